import CNetconRPC

/// What the library routes to the node: a destination prefix the virtual networks serve, one of the node's own
/// addresses, or a host name server whose port 53 the node's resolver answers.
public struct RPCRoute: Hashable, Sendable {
    public enum Kind: UInt8, Sendable {
        case prefix = 0
        case own = 1
        case resolver = 2
    }

    public var network: RPCAddress
    public var prefixLength: UInt8
    public var kind: Kind

    public init(network: RPCAddress, prefixLength: UInt8, kind: Kind) {
        self.network = network
        self.prefixLength = prefixLength
        self.kind = kind
    }

    init(_ raw: netcon_rpc_route) throws(RPCDecodeError) {
        guard let address = try RPCEndpoint(raw.network).address else { throw .badValue("route without an address") }
        let limit: UInt8 = if case .v4 = address { 32 } else { 128 }
        guard raw.prefix_length <= limit else { throw .badValue("prefix length \(raw.prefix_length)") }
        guard let kind = Kind(rawValue: raw.kind) else { throw .badValue("route kind \(raw.kind)") }
        network = address
        prefixLength = raw.prefix_length
        self.kind = kind
    }

    var raw: netcon_rpc_route {
        var raw = netcon_rpc_route()
        raw.network = RPCEndpoint(address: network, port: 0).raw
        raw.prefix_length = prefixLength
        raw.kind = kind.rawValue
        return raw
    }
}
