import CLwIP

/// A listening TCP socket. Each accepted connection is handed to `onAccept` on the thread holding the lwIP
/// core; set its handlers there (`setHandlers`) or later — data arriving meanwhile waits in the connection.
/// Stays open (and alive) until `close()`.
public final class TCPListener: @unchecked Sendable {
    // @unchecked: the vars below are touched only with the lwIP core held.
    private var pcb: UnsafeMutablePointer<tcp_pcb>?
    private var onAccept: (@Sendable (TCPConnection) -> Void)?
    /// The bound address (nil: any, IPv4 and IPv6) and port (the one lwIP picked for port 0).
    public let localAddress: IPAddress?
    public let localPort: UInt16

    /// Binds and listens. `address` nil listens on IPv4 and IPv6 at once; `interface` restricts it to
    /// connections arriving there (the accepted connections stay bound to it). SO_REUSEADDR is set.
    /// `.addressInUse` when taken.
    public init(
        address: IPAddress? = nil, port: UInt16, via interface: NetworkInterface? = nil,
        onAccept: @escaping @Sendable (TCPConnection) -> Void
    ) throws(NetStackError) {
        localAddress = address
        self.onAccept = onAccept
        let bound = try Stack.withCoreLock { () throws(NetStackError) -> (UnsafeMutablePointer<tcp_pcb>, UInt16) in
            var netif: UnsafeMutablePointer<netif>?
            if let interface {
                guard let n = interface.lwipNetif else { throw .networkUnreachable }
                netif = n
            }
            let type = address?.lwipType ?? UInt8(IPADDR_TYPE_ANY.rawValue)
            guard let pcb = tcp_new_ip_type(type) else { throw .outOfMemory }
            netcon_lwip_tcp_set_reuseaddr(pcb)
            if let netif { tcp_bind_netif(pcb, netif) }
            let err: err_t =
                if let address {
                    address.withLwIP(zone: netif) { tcp_bind(pcb, $0, port) }
                } else {
                    tcp_bind(pcb, netcon_lwip_ip_any(0), port)
                }
            if err != LwIPError.ok {
                _ = tcp_close(pcb)
                throw NetStackError(lwip: err)
            }
            var listenErr = LwIPError.ok
            guard let listening = tcp_listen_with_backlog_and_err(pcb, UInt8(TCP_DEFAULT_LISTEN_BACKLOG), &listenErr)
            else {
                _ = tcp_close(pcb)
                throw NetStackError(lwip: listenErr)
            }
            return (listening, listening.pointee.local_port)
        }
        pcb = bound.0
        localPort = bound.1
        Stack.withCoreLock {
            tcp_arg(bound.0, Unmanaged.passRetained(self).toOpaque())
            tcp_accept(bound.0) { context, newpcb, err in
                guard let context, let newpcb, err == LwIPError.ok else { return LwIPError.value }
                return Unmanaged<TCPListener>.fromOpaque(context).takeUnretainedValue().lwipAccepted(newpcb)
            }
        }
    }

    /// Core held (tcpip thread).
    private func lwipAccepted(_ newpcb: UnsafeMutablePointer<tcp_pcb>) -> err_t {
        guard let onAccept else {
            tcp_abort(newpcb)
            return LwIPError.aborted
        }
        let connection = TCPConnection.accepted(newpcb)
        onAccept(connection)
        return connection.isAborted(newpcb) ? LwIPError.aborted : LwIPError.ok
    }

    /// Stops listening (connections already accepted are not affected). Idempotent.
    public func close() {
        Stack.withCoreLock {
            guard let pcb else { return }
            self.pcb = nil
            onAccept = nil
            tcp_arg(pcb, nil)
            tcp_accept(pcb, nil)
            _ = tcp_close(pcb)  // a listening pcb always closes
            Unmanaged.passUnretained(self).release()
        }
    }
}
