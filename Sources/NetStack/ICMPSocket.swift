import CLwIP

/// An ICMP (IPv4) or ICMPv6 socket on lwIP for echo: sends the messages it is given (with the checksum filled in)
/// and hears every echo reply and error message that arrives, as a raw kernel socket does (lwIP still answers
/// echo requests to our addresses itself).
public final class ICMPSocket: @unchecked Sendable {
    // @unchecked: pcb and onReceive are touched only with the lwIP core held.
    public struct Message: Sendable, Equatable {
        public var source: IPAddress
        public var destination: IPAddress
        /// IPv4: the IP header the message came with (raw sockets show it); IPv6: empty.
        public var ipHeader: [UInt8]
        /// The ICMP message, type first.
        public var message: [UInt8]
    }

    private var pcb: UnsafeMutablePointer<raw_pcb>?
    private var onReceive: (@Sendable (Message) -> Void)?
    public let isV6: Bool

    public init(v6: Bool, onReceive: (@Sendable (Message) -> Void)? = nil) throws(NetStackError) {
        isV6 = v6
        self.onReceive = onReceive
        pcb = try Stack.withCoreLock { () throws(NetStackError) -> UnsafeMutablePointer<raw_pcb> in
            let type = v6 ? UInt8(IPADDR_TYPE_V6.rawValue) : UInt8(IPADDR_TYPE_V4.rawValue)
            guard let pcb = raw_new_ip_type(type, v6 ? UInt8(IP6_NEXTH_ICMP6) : UInt8(IP_PROTO_ICMP)) else { throw .outOfMemory }
            if v6 { netcon_lwip_raw_set_ipv6_checksum(pcb, 2) }
            return pcb
        }
        Stack.withCoreLock {
            raw_recv(pcb, { context, _, p, source in
                guard let context, let p, let source else { return 0 }
                Unmanaged<ICMPSocket>.fromOpaque(context).takeUnretainedValue().lwipReceived(p, source)
                return 0  // not eaten: other sockets and lwIP's own ICMP see it too
            }, Unmanaged.passRetained(self).toOpaque())
        }
    }

    public func setReceiveHandler(_ handler: (@Sendable (Message) -> Void)?) {
        Stack.withCoreLock { if pcb != nil { onReceive = handler } }
    }

    /// Echo replies and the errors a ping reports (unreachable, time exceeded, parameter problem...).
    private func isDelivered(type: UInt8) -> Bool {
        isV6 ? [129, 1, 2, 3, 4].contains(type) : [0, 3, 4, 5, 11, 12].contains(type)
    }

    /// Core held; `p` starts at the IP header and stays lwIP's.
    private func lwipReceived(_ p: UnsafeMutablePointer<pbuf>, _ source: UnsafePointer<ip_addr_t>) {
        guard let onReceive else { return }
        let headerLength = Int(netcon_lwip_current_ip_header_length())
        let total = Int(p.pointee.tot_len)
        guard total > headerLength + 4 else { return }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = Int(pbuf_copy_partial(p, buffer.baseAddress, UInt16(total), 0))
        }
        guard bytes.count == total, isDelivered(type: bytes[headerLength]) else { return }
        var destination = ip_addr_t()
        netcon_lwip_current_destination(&destination)
        onReceive(Message(source: IPAddress(lwip: source), destination: IPAddress(lwip: &destination),
                          ipHeader: isV6 ? [] : Array(bytes[..<headerLength]), message: Array(bytes[headerLength...])))
    }

    /// Sends one ICMP message (type first, at most 65,000 bytes). IPv4's checksum is computed here; ICMPv6's, which
    /// covers a pseudo header, by lwIP.
    public func send(_ message: UnsafeRawBufferPointer, to destination: IPAddress) throws(NetStackError) {
        guard message.count >= 8, message.count <= 65_000 else { throw .invalidArgument }
        let destinationIsV6: Bool = if case .v6 = destination { true } else { false }
        guard destinationIsV6 == isV6 else { throw .invalidArgument }
        var bytes = Array(message)
        bytes[2] = 0
        bytes[3] = 0
        if !isV6 {
            let sum = internetChecksum(bytes)
            bytes[2] = UInt8(sum >> 8)
            bytes[3] = UInt8(truncatingIfNeeded: sum)
        }
        try Stack.withCoreLock { () throws(NetStackError) in
            guard let pcb else { throw .closed }
            guard let p = pbuf_alloc(PBUF_IP, UInt16(bytes.count), PBUF_RAM) else { throw .outOfMemory }
            _ = bytes.withUnsafeBytes { pbuf_take(p, $0.baseAddress, UInt16(bytes.count)) }
            let err = destination.withLwIP(zone: nil) { raw_sendto(pcb, p, $0) }
            pbuf_free(p)
            try LwIPError.check(err)
        }
    }

    /// Idempotent. The pcb goes from a timer: inside its own receive callback lwIP still touches it.
    public func close() {
        Stack.withCoreLock {
            guard let pcb else { return }
            self.pcb = nil
            onReceive = nil
            raw_recv(pcb, nil, nil)
            sys_timeout(0, { pcb in raw_remove(pcb?.assumingMemoryBound(to: raw_pcb.self)) }, UnsafeMutableRawPointer(pcb))
            Unmanaged.passUnretained(self).release()
        }
    }
}
