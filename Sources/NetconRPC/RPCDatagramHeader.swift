import CNetconRPC

/// Precedes each datagram on an unconnected virtual UDP socket: its destination (program → node) or its
/// source and the address it was sent to (node → program, for IP_PKTINFO).
public struct RPCDatagramHeader: Equatable, Sendable {
    public static let size = MemoryLayout<netcon_rpc_datagram_header>.size

    public var peer: RPCEndpoint
    public var local: RPCEndpoint?

    public init(peer: RPCEndpoint, local: RPCEndpoint? = nil) {
        self.peer = peer
        self.local = local
    }

    /// Reads the header at the start of a datagram.
    public init(prefixOf datagram: UnsafeRawBufferPointer) throws(RPCDecodeError) {
        guard datagram.count >= Self.size else { throw .wrongSize(expected: Self.size, actual: datagram.count) }
        let raw = datagram.loadUnaligned(as: netcon_rpc_datagram_header.self)
        peer = try RPCEndpoint(raw.peer)
        guard peer.address != nil else { throw .badValue("datagram without a peer address") }
        let local = try RPCEndpoint(raw.local)
        self.local = local.address == nil ? nil : local
    }

    public var bytes: [UInt8] {
        var raw = netcon_rpc_datagram_header()
        raw.peer = peer.raw
        if let local { raw.local = local.raw }
        return RPCMessageBytes.encode(raw)
    }
}
