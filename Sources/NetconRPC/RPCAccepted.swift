import CNetconRPC

/// Sent on a listener descriptor with each accepted connection's descriptor.
public struct RPCAccepted: Equatable, Sendable {
    public var remote: RPCEndpoint
    public var local: RPCEndpoint

    public init(remote: RPCEndpoint, local: RPCEndpoint) {
        self.remote = remote
        self.local = local
    }

    public init(bytes: some Collection<UInt8>) throws(RPCDecodeError) {
        let raw = try RPCMessageBytes.decode(bytes, as: netcon_rpc_accepted.self)
        guard raw.magic == NETCON_RPC_MAGIC else { throw .badMagic(raw.magic) }
        remote = try RPCEndpoint(raw.remote)
        local = try RPCEndpoint(raw.local)
    }

    public var bytes: [UInt8] {
        var raw = netcon_rpc_accepted()
        raw.magic = NETCON_RPC_MAGIC
        raw.remote = remote.raw
        raw.local = local.raw
        return RPCMessageBytes.encode(raw)
    }
}
