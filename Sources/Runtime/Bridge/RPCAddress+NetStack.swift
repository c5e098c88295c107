import NetconRPC
import NetStack
import ZeroTier

extension RPCAddress {
    init(_ address: NetStack.IPAddress) {
        switch address {
        case .v4(let v4): self = .v4(v4.bytes)
        case .v6(let v6): self = .v6(v6.bytes, scope: 0)
        }
    }

    var stackAddress: NetStack.IPAddress {
        switch self {
        case .v4(let bytes): .v4(IPv4Address(bytes: bytes)!)
        case .v6(let bytes, _): .v6(IPv6Address(bytes: bytes)!)
        }
    }

    var engineAddress: ZeroTier.IPAddress { ZeroTier.IPAddress(bytes: bytes)! }
}

extension RPCEndpoint {
    init(_ endpoint: IPEndpoint) {
        self.init(address: RPCAddress(endpoint.address), port: endpoint.port)
    }
}
