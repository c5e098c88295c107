import CNetconRPC

/// The node's answer to one request. A descriptor, when the request creates a virtual socket, travels
/// beside it (SCM_RIGHTS), not in it.
public struct RPCReply: Equatable, Sendable {
    public var operation: UInt32
    /// 0, or the errno the library reports.
    public var error: Int32
    public var kind: RPCSocketKind
    public var domain: RPCDomain?
    public var inode: UInt64
    public var local: RPCEndpoint?
    public var remote: RPCEndpoint?
    /// A non-blocking connect is still under way (the library returns EINPROGRESS).
    public var connecting: Bool
    /// A UDP socket is connected to `remote`.
    public var connected: Bool
    public var routes: [RPCRoute]

    public static let maximumRoutes = Int(NETCON_RPC_MAX_ROUTES)

    public init(operation: UInt32, error: Int32 = 0, kind: RPCSocketKind = .none, domain: RPCDomain? = nil,
                inode: UInt64 = 0, local: RPCEndpoint? = nil, remote: RPCEndpoint? = nil, connecting: Bool = false,
                connected: Bool = false, routes: [RPCRoute] = []) {
        self.operation = operation
        self.error = error
        self.kind = kind
        self.domain = domain
        self.inode = inode
        self.local = local
        self.remote = remote
        self.connecting = connecting
        self.connected = connected
        self.routes = routes
    }

    public static func failure(_ request: RPCRequest, errno: Int32) -> RPCReply {
        RPCReply(operation: request.operation, error: errno)
    }

    public init(bytes: some Collection<UInt8>) throws(RPCDecodeError) {
        let raw = try RPCMessageBytes.decode(bytes, as: netcon_rpc_reply.self)
        guard raw.magic == NETCON_RPC_MAGIC else { throw .badMagic(raw.magic) }
        guard let kind = RPCSocketKind(rawValue: raw.kind) else { throw .badValue("socket kind \(raw.kind)") }
        guard raw.route_count <= NETCON_RPC_MAX_ROUTES else { throw .badValue("\(raw.route_count) routes") }
        operation = raw.op
        error = raw.error
        self.kind = kind
        domain = raw.domain == 0 ? nil : try RPCDomain(raw: raw.domain)
        inode = raw.inode
        let local = try RPCEndpoint(raw.local)
        let remote = try RPCEndpoint(raw.remote)
        self.local = local.address == nil && local.port == 0 ? nil : local
        self.remote = remote.address == nil ? nil : remote
        connecting = raw.flags & UInt32(NETCON_RPC_REPLY_CONNECTING) != 0
        connected = raw.flags & UInt32(NETCON_RPC_REPLY_CONNECTED) != 0
        var routes: [RPCRoute] = []
        var table = raw.routes
        try withUnsafeBytes(of: &table) { (buffer: UnsafeRawBufferPointer) throws(RPCDecodeError) in
            let entries = buffer.bindMemory(to: netcon_rpc_route.self)
            for index in 0..<Int(raw.route_count) { routes.append(try RPCRoute(entries[index])) }
        }
        self.routes = routes
    }

    /// Routes beyond `maximumRoutes` are left out (the library then falls through for them).
    public var bytes: [UInt8] {
        var raw = netcon_rpc_reply()
        raw.magic = NETCON_RPC_MAGIC
        raw.op = operation
        raw.error = error
        raw.kind = kind.rawValue
        raw.domain = domain?.rawValue ?? 0
        raw.inode = inode
        raw.local = local.raw
        raw.remote = remote.raw
        raw.flags = (connecting ? UInt32(NETCON_RPC_REPLY_CONNECTING) : 0) | (connected ? UInt32(NETCON_RPC_REPLY_CONNECTED) : 0)
        let kept = routes.prefix(Self.maximumRoutes)
        raw.route_count = UInt32(kept.count)
        withUnsafeMutableBytes(of: &raw.routes) { buffer in
            let entries = buffer.bindMemory(to: netcon_rpc_route.self)
            for (index, route) in kept.enumerated() { entries[index] = route.raw }
        }
        return RPCMessageBytes.encode(raw)
    }
}
