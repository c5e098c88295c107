import CLwIP

/// A UDP socket. Datagrams arrive through `onReceive` on the thread holding the lwIP core (it must not
/// block; it may call into NetStack). Stays open (and alive) until `close()`.
public final class UDPSocket: @unchecked Sendable {
    // @unchecked: the vars below are touched only with the lwIP core held.

    public struct Datagram: Sendable, Equatable {
        public var payload: [UInt8]
        public var source: IPEndpoint
        /// The address it was sent to (ours, or a broadcast/multicast group).
        public var destination: IPAddress
    }

    private var pcb: UnsafeMutablePointer<udp_pcb>?
    private var onReceive: (@Sendable (Datagram) -> Void)?
    private let interface: NetworkInterface?
    public let localAddress: IPAddress?
    /// The bound port (the one lwIP picked for port 0).
    public let localPort: UInt16

    /// Binds. `address` nil receives IPv4 and IPv6; `interface` restricts it to datagrams arriving there and
    /// sends through it. `.addressInUse` when taken, unless this socket and every one holding the port were made
    /// with `reuseAddress` (SO_REUSEADDR's sharing: a connected socket gets its peer's datagrams first).
    public init(
        address: IPAddress? = nil, port: UInt16 = 0, via interface: NetworkInterface? = nil, reuseAddress: Bool = false,
        onReceive: (@Sendable (Datagram) -> Void)? = nil
    ) throws(NetStackError) {
        localAddress = address
        self.interface = interface
        self.onReceive = onReceive
        let bound = try Stack.withCoreLock { () throws(NetStackError) -> (UnsafeMutablePointer<udp_pcb>, UInt16) in
            var netif: UnsafeMutablePointer<netif>?
            if let interface {
                guard let n = interface.lwipNetif else { throw .networkUnreachable }
                netif = n
            }
            let type = address?.lwipType ?? UInt8(IPADDR_TYPE_ANY.rawValue)
            guard let pcb = udp_new_ip_type(type) else { throw .outOfMemory }
            if reuseAddress { pcb.pointee.so_options |= UInt8(SOF_REUSEADDR) }
            if let netif { udp_bind_netif(pcb, netif) }
            let err: err_t =
                if let address {
                    address.withLwIP(zone: netif) { udp_bind(pcb, $0, port) }
                } else {
                    udp_bind(pcb, netcon_lwip_ip_any(0), port)
                }
            if err != LwIPError.ok {
                udp_remove(pcb)
                throw NetStackError(lwip: err)
            }
            return (pcb, pcb.pointee.local_port)
        }
        pcb = bound.0
        localPort = bound.1
        Stack.withCoreLock {
            udp_recv(bound.0, { context, _, p, source, port in
                guard let p else { return }
                guard let context, let source else {
                    pbuf_free(p)
                    return
                }
                // udp_recv hands the pbuf over: this callback frees it.
                Unmanaged<UDPSocket>.fromOpaque(context).takeUnretainedValue().lwipReceived(p, source, port)
            }, Unmanaged.passRetained(self).toOpaque())
        }
    }

    /// Replaces the receive handler.
    public func setReceiveHandler(_ handler: (@Sendable (Datagram) -> Void)?) {
        Stack.withCoreLock { if pcb != nil { onReceive = handler } }
    }

    private func lwipReceived(_ p: UnsafeMutablePointer<pbuf>, _ source: UnsafePointer<ip_addr_t>, _ port: UInt16) {
        let count = Int(p.pointee.tot_len)
        let payload = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = Int(pbuf_copy_partial(p, buffer.baseAddress, UInt16(count), 0))
        }
        pbuf_free(p)
        var destination = ip_addr_t()
        netcon_lwip_current_destination(&destination)
        let datagram = Datagram(
            payload: payload, source: IPEndpoint(address: IPAddress(lwip: source), port: port),
            destination: IPAddress(lwip: &destination))
        onReceive?(datagram)
    }

    /// Sends one datagram (at most 65,507 bytes; lwIP fragments above the MTU). Through the socket's interface
    /// if it has one (`.networkUnreachable` when that is closed, down or lacks an address of that family). From
    /// `source` (one of the stack's addresses) when given, else from the address lwIP chooses.
    public func send(_ payload: UnsafeRawBufferPointer, to destination: IPAddress, port: UInt16, from source: IPAddress? = nil)
        throws(NetStackError)
    {
        guard payload.count <= 65_507, port != 0 else { throw .invalidArgument }
        try Stack.withCoreLock { () throws(NetStackError) in
            guard let pcb else { throw .closed }
            var netif: UnsafeMutablePointer<netif>?
            if let interface {
                guard interface.canSend(to: destination), let n = interface.lwipNetif else {
                    throw .networkUnreachable
                }
                netif = n
            }
            guard let p = pbuf_alloc(PBUF_TRANSPORT, UInt16(payload.count), PBUF_RAM) else { throw .outOfMemory }
            if let base = payload.baseAddress, payload.count > 0 {
                _ = pbuf_take(p, base, UInt16(payload.count))
            }
            let err = destination.withLwIP(zone: netif) { to in
                guard let source else { return udp_sendto(pcb, p, to, port) }
                return source.withLwIP(zone: netif) { from in netcon_lwip_udp_sendto_from(pcb, p, to, port, from) }
            }
            pbuf_free(p)  // udp_sendto never takes the pbuf
            try LwIPError.check(err)
        }
    }

    public func send(_ payload: [UInt8], to destination: IPAddress, port: UInt16) throws(NetStackError) {
        try payload.withUnsafeBytes { raw in
            Result { () throws(NetStackError) in try send(raw, to: destination, port: port) }
        }.get()
    }

    /// Receives only from `remote` from now on, and is preferred over unconnected sockets of the same port for
    /// its datagrams; nil receives from anyone again. Sending still names each destination.
    public func connect(to remote: IPEndpoint?) throws(NetStackError) {
        try Stack.withCoreLock { () throws(NetStackError) in
            guard let pcb else { throw .closed }
            guard let remote else {
                udp_disconnect(pcb)
                return
            }
            let err = remote.address.withLwIP(zone: nil) { udp_connect(pcb, $0, remote.port) }
            try LwIPError.check(err)
        }
    }

    /// Idempotent.
    public func close() {
        Stack.withCoreLock {
            guard let pcb else { return }
            self.pcb = nil
            onReceive = nil
            udp_recv(pcb, nil, nil)
            udp_remove(pcb)
            Unmanaged.passUnretained(self).release()
        }
    }
}
