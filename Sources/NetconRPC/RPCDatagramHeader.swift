import CNetconRPC

/// Precedes each datagram on an unconnected virtual UDP socket: its destination (program → node) or its
/// source (node → program).
public struct RPCDatagramHeader: Equatable, Sendable {
    public static let size = MemoryLayout<netcon_rpc_datagram_header>.size

    public var peer: RPCEndpoint

    public init(peer: RPCEndpoint) { self.peer = peer }

    /// Reads the header at the start of a datagram.
    public init(prefixOf datagram: UnsafeRawBufferPointer) throws(RPCDecodeError) {
        guard datagram.count >= Self.size else { throw .wrongSize(expected: Self.size, actual: datagram.count) }
        let raw = datagram.loadUnaligned(as: netcon_rpc_datagram_header.self)
        peer = try RPCEndpoint(raw.peer)
        guard peer.address != nil else { throw .badValue("datagram without a peer address") }
    }

    public var bytes: [UInt8] {
        var raw = netcon_rpc_datagram_header()
        raw.peer = peer.raw
        return RPCMessageBytes.encode(raw)
    }
}
