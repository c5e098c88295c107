import CNetconRPC

/// A destination prefix the virtual networks serve, or (`isLocal`) one of the node's own addresses.
public struct RPCRoute: Hashable, Sendable {
    public var network: RPCAddress
    public var prefixLength: UInt8
    public var isLocal: Bool

    public init(network: RPCAddress, prefixLength: UInt8, isLocal: Bool) {
        self.network = network
        self.prefixLength = prefixLength
        self.isLocal = isLocal
    }

    init(_ raw: netcon_rpc_route) throws(RPCDecodeError) {
        guard let address = try RPCEndpoint(raw.network).address else { throw .badValue("route without an address") }
        let limit: UInt8 = if case .v4 = address { 32 } else { 128 }
        guard raw.prefix_length <= limit else { throw .badValue("prefix length \(raw.prefix_length)") }
        network = address
        prefixLength = raw.prefix_length
        isLocal = raw.is_local != 0
    }

    var raw: netcon_rpc_route {
        var raw = netcon_rpc_route()
        raw.network = RPCEndpoint(address: network, port: 0).raw
        raw.prefix_length = prefixLength
        raw.is_local = isLocal ? 1 : 0
        return raw
    }
}
