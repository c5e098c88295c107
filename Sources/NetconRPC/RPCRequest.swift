import CNetconRPC

/// What the intercept library asks of the node, one request per RPC connection (netcon_rpc.h).
public enum RPCRequest: Equatable, Sendable {
    public struct ConnectOptions: Equatable, Sendable {
        public var nonBlocking: Bool
        public var noDelay: Bool
        public var keepAlive: Bool
        /// The program runs under --isolate.
        public var isolated: Bool

        public init(nonBlocking: Bool = false, noDelay: Bool = false, keepAlive: Bool = false, isolated: Bool = false) {
            self.nonBlocking = nonBlocking
            self.noDelay = noDelay
            self.keepAlive = keepAlive
            self.isolated = isolated
        }
    }

    /// The destinations served by the virtual networks and the node's own virtual addresses.
    case routes
    case tcpConnect(remote: RPCEndpoint, domain: RPCDomain, options: ConnectOptions)
    /// `local.address` nil: any address.
    case tcpListen(local: RPCEndpoint, domain: RPCDomain, backlog: Int32, listenHost: Bool, v6Only: Bool, reusePort: Bool = false)
    /// `isolated`: the program runs under --isolate.
    case udpBind(local: RPCEndpoint, domain: RPCDomain, v6Only: Bool, reuse: Bool = false, isolated: Bool = false)
    /// `remote` nil: disconnect.
    case udpConnect(inode: UInt64, remote: RPCEndpoint?)
    case describe(inode: UInt64)
    case setOption(inode: UInt64, RPCSocketOption, value: Int32)
    /// An ICMP echo socket of `domain` (ICMP or ICMPv6); `raw`: IPv4 messages arrive with their IP header.
    case icmpOpen(domain: RPCDomain, raw: Bool)

    public init(bytes: some Collection<UInt8>) throws(RPCDecodeError) {
        let raw = try RPCMessageBytes.decode(bytes, as: netcon_rpc_request.self)
        guard raw.magic == NETCON_RPC_MAGIC else { throw .badMagic(raw.magic) }
        let flags = Int32(raw.flags)
        func has(_ flag: Int) -> Bool { flags & Int32(flag) != 0 }
        switch Int(raw.op) {
        case NETCON_RPC_OP_ROUTES:
            self = .routes
        case NETCON_RPC_OP_TCP_CONNECT:
            let remote = try RPCEndpoint(raw.address)
            guard remote.address != nil else { throw .badValue("connect needs a remote address") }
            self = .tcpConnect(remote: remote, domain: try RPCDomain(raw: raw.domain), options: ConnectOptions(
                nonBlocking: has(NETCON_RPC_FLAG_NONBLOCK), noDelay: has(NETCON_RPC_FLAG_NODELAY),
                keepAlive: has(NETCON_RPC_FLAG_KEEPALIVE), isolated: has(NETCON_RPC_FLAG_ISOLATED)))
        case NETCON_RPC_OP_TCP_LISTEN:
            self = .tcpListen(local: try RPCEndpoint(raw.address), domain: try RPCDomain(raw: raw.domain),
                              backlog: raw.backlog, listenHost: has(NETCON_RPC_FLAG_LISTEN_HOST),
                              v6Only: has(NETCON_RPC_FLAG_V6ONLY), reusePort: has(NETCON_RPC_FLAG_REUSE))
        case NETCON_RPC_OP_UDP_BIND:
            self = .udpBind(local: try RPCEndpoint(raw.address), domain: try RPCDomain(raw: raw.domain),
                            v6Only: has(NETCON_RPC_FLAG_V6ONLY), reuse: has(NETCON_RPC_FLAG_REUSE),
                            isolated: has(NETCON_RPC_FLAG_ISOLATED))
        case NETCON_RPC_OP_UDP_CONNECT:
            let remote = try RPCEndpoint(raw.address)
            self = .udpConnect(inode: raw.inode, remote: remote.address == nil ? nil : remote)
        case NETCON_RPC_OP_DESCRIBE:
            self = .describe(inode: raw.inode)
        case NETCON_RPC_OP_SETSOCKOPT:
            guard let option = RPCSocketOption(rawValue: raw.option) else { throw .badValue("unknown option \(raw.option)") }
            self = .setOption(inode: raw.inode, option, value: raw.value)
        case NETCON_RPC_OP_ICMP_OPEN:
            self = .icmpOpen(domain: try RPCDomain(raw: raw.domain), raw: has(NETCON_RPC_FLAG_RAW))
        default:
            throw .unknownOperation(raw.op)
        }
    }

    public var bytes: [UInt8] {
        var raw = netcon_rpc_request()
        raw.magic = NETCON_RPC_MAGIC
        var flags = 0
        switch self {
        case .routes:
            raw.op = UInt32(NETCON_RPC_OP_ROUTES)
        case let .tcpConnect(remote, domain, options):
            raw.op = UInt32(NETCON_RPC_OP_TCP_CONNECT)
            raw.address = remote.raw
            raw.domain = domain.rawValue
            if options.nonBlocking { flags |= NETCON_RPC_FLAG_NONBLOCK }
            if options.noDelay { flags |= NETCON_RPC_FLAG_NODELAY }
            if options.keepAlive { flags |= NETCON_RPC_FLAG_KEEPALIVE }
            if options.isolated { flags |= NETCON_RPC_FLAG_ISOLATED }
        case let .tcpListen(local, domain, backlog, listenHost, v6Only, reusePort):
            raw.op = UInt32(NETCON_RPC_OP_TCP_LISTEN)
            raw.address = local.raw
            raw.domain = domain.rawValue
            raw.backlog = backlog
            if listenHost { flags |= NETCON_RPC_FLAG_LISTEN_HOST }
            if v6Only { flags |= NETCON_RPC_FLAG_V6ONLY }
            if reusePort { flags |= NETCON_RPC_FLAG_REUSE }
        case let .udpBind(local, domain, v6Only, reuse, isolated):
            raw.op = UInt32(NETCON_RPC_OP_UDP_BIND)
            raw.address = local.raw
            raw.domain = domain.rawValue
            if v6Only { flags |= NETCON_RPC_FLAG_V6ONLY }
            if reuse { flags |= NETCON_RPC_FLAG_REUSE }
            if isolated { flags |= NETCON_RPC_FLAG_ISOLATED }
        case let .udpConnect(inode, remote):
            raw.op = UInt32(NETCON_RPC_OP_UDP_CONNECT)
            raw.inode = inode
            raw.address = remote.raw
        case let .describe(inode):
            raw.op = UInt32(NETCON_RPC_OP_DESCRIBE)
            raw.inode = inode
        case let .setOption(inode, option, value):
            raw.op = UInt32(NETCON_RPC_OP_SETSOCKOPT)
            raw.inode = inode
            raw.option = option.rawValue
            raw.value = value
        case let .icmpOpen(domain, isRaw):
            raw.op = UInt32(NETCON_RPC_OP_ICMP_OPEN)
            raw.domain = domain.rawValue
            if isRaw { flags |= NETCON_RPC_FLAG_RAW }
        }
        raw.flags = UInt16(flags)
        return RPCMessageBytes.encode(raw)
    }

    /// The operation code the reply echoes.
    public var operation: UInt32 {
        let code = switch self {
        case .routes: NETCON_RPC_OP_ROUTES
        case .tcpConnect: NETCON_RPC_OP_TCP_CONNECT
        case .tcpListen: NETCON_RPC_OP_TCP_LISTEN
        case .udpBind: NETCON_RPC_OP_UDP_BIND
        case .udpConnect: NETCON_RPC_OP_UDP_CONNECT
        case .describe: NETCON_RPC_OP_DESCRIBE
        case .setOption: NETCON_RPC_OP_SETSOCKOPT
        case .icmpOpen: NETCON_RPC_OP_ICMP_OPEN
        }
        return UInt32(code)
    }
}
