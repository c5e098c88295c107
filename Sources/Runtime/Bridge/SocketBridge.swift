import CNetconSys
import ControlPlane
import Glibc
import Logging
import NetconRPC
import NetStack
import SystemPackage

/// Serves the intercept library's requests: creates virtual sockets on lwIP and hands their program ends
/// over. Everything here runs on the bridge thread; the sockets' own data paths are in the *Bridge types.
final class SocketBridge: @unchecked Sendable {
    // @unchecked: confined to the bridge thread; lwIP-side code reaches it only through `loop.execute`.
    typealias Reply = (RPCReply, OwnedDescriptor?) -> Void

    private let loop: EventLoop
    private let networks: VirtualNetworks
    private let logger: Logger
    private let scratch = ScratchBuffer()
    private let resolver: ResolverStub
    private var sockets: [UInt64: VirtualSocket] = [:]
    /// What DESCRIBE reports for sockets that ended with an error (a refused connect's SO_ERROR), kept a
    /// while after the node closed its end.
    private var endings: [UInt64: Int32] = [:]
    /// Listeners of ports shared with SO_REUSEPORT, to be joined by the next listener of the same port.
    private var sharedListeners: [SharedTCPListener.Key: SharedTCPListener] = [:]

    static let endingMemoryMilliseconds: Int64 = 60_000

    init(loop: EventLoop, networks: VirtualNetworks, logger: Logger) {
        self.loop = loop
        self.networks = networks
        self.logger = logger
        resolver = ResolverStub(loop: loop, networks: networks, logger: logger)
        Stack.start()
    }

    func handle(_ request: RPCRequest, reply: @escaping Reply) {
        switch request {
        case .routes:
            reply(RPCReply(operation: request.operation, routes: networks.routes), nil)
        case let .tcpConnect(remote, domain, options):
            connect(request, to: remote, domain: domain, options: options, reply: reply)
        case let .tcpListen(local, domain, _, listenHost, v6Only, reusePort):
            listen(request, on: local, domain: domain, listenHost: listenHost, v6Only: v6Only, reusePort: reusePort, reply: reply)
        case let .udpBind(local, domain, v6Only, reuse, isolated):
            bindUDP(request, on: local, domain: domain, v6Only: v6Only, reuse: reuse, isolated: isolated, reply: reply)
        case let .icmpOpen(domain, raw):
            openICMP(request, domain: domain, raw: raw, reply: reply)
        case let .udpConnect(inode, remote):
            guard let udp = sockets[inode] as? UDPBridge else {
                reply(.failure(request, errno: ENOENT), nil)
                return
            }
            udp.connect(to: remote)
            udp.describe { reply($0.replying(to: request), nil) }
        case let .describe(inode):
            if let socket = sockets[inode] {
                socket.describe { reply($0, nil) }
            } else if let error = endings[inode] {
                reply(RPCReply(operation: request.operation, error: error, kind: .tcpConnection, inode: inode), nil)
            } else {
                reply(.failure(request, errno: ENOENT), nil)
            }
        case let .setOption(inode, option, value):
            guard let stream = sockets[inode] as? TCPStreamBridge else {
                reply(.failure(request, errno: sockets[inode] == nil ? ENOENT : EOPNOTSUPP), nil)
                return
            }
            stream.setOption(option, value: value)
            reply(RPCReply(operation: request.operation, inode: inode), nil)
        }
    }

    private func connect(_ request: RPCRequest, to remote: RPCEndpoint, domain: RPCDomain, options: RPCRequest.ConnectOptions,
                         reply: @escaping Reply) {
        if networks.isResolver(remote) { return connectResolver(request, remote: remote, domain: domain, isolated: options.isolated, reply: reply) }
        guard let address = remote.address, networks.interface(toward: address.engineAddress) != nil else {
            reply(.failure(request, errno: ENETUNREACH), nil)
            return
        }
        let pair: SocketPair
        do {
            pair = try SocketPair(type: CInt(SOCK_STREAM.rawValue))
        } catch {
            reply(.failure(request, errno: error.rawValue), nil)
            return
        }
        let stream = TCPStreamBridge(pair: pair, domain: domain, state: .connecting, remote: remote, loop: loop,
                                     scratch: scratch, onFinished: { [unowned self] in ended($0, error: $1) })
        sockets[pair.inode] = stream
        let answer = SendableBox(reply)
        let program = pair.program
        let nonBlocking = options.nonBlocking
        let noDelay = options.noDelay
        let keepAlive = options.keepAlive
        do {
            try TCPConnection.connect(to: address.stackAddress, port: remote.port, handlers: stream.handlers) { [loop] result in
                switch result {
                case .success(let connection):
                    if noDelay { connection.setNoDelay(true) }
                    if keepAlive { connection.setKeepAlive(true) }
                    stream.established(connection)
                    if !nonBlocking {
                        loop.execute { answer.value(stream.description(error: 0).replying(to: request), program) }
                    }
                case .failure(let error):
                    stream.connectFailed(error)
                    if !nonBlocking {
                        loop.execute { answer.value(.failure(request, errno: error.errno), nil) }
                    }
                }
            }
        } catch {
            sockets[pair.inode] = nil
            reply(.failure(request, errno: error.errno), nil)
            return
        }
        if nonBlocking {
            reply(stream.description(error: 0, connecting: true).replying(to: request), program)
        }
    }

    /// DNS over TCP to a host name server: served by the resolver, connected at once.
    private func connectResolver(_ request: RPCRequest, remote: RPCEndpoint, domain: RPCDomain, isolated: Bool, reply: @escaping Reply) {
        answering(request, reply) {
            let pair = try SocketPair(type: CInt(SOCK_STREAM.rawValue))
            let stream = DNSStreamBridge(pair: pair, domain: domain, remote: remote, isolated: isolated, loop: loop, resolver: resolver,
                                         onFinished: { [unowned self] in ended($0, error: $1) })
            try stream.start()
            sockets[pair.inode] = stream
            reply(stream.description.replying(to: request), pair.program)
        }
    }

    private func listen(_ request: RPCRequest, on local: RPCEndpoint, domain: RPCDomain, listenHost: Bool, v6Only: Bool,
                        reusePort: Bool, reply: @escaping Reply) {
        if let address = local.address, !networks.isLocal(address.engineAddress) {
            reply(.failure(request, errno: EADDRNOTAVAIL), nil)
            return
        }
        answering(request, reply) {
            let key = SharedTCPListener.Key(domain: domain, address: local.address, port: local.port, v6Only: v6Only)
            let shared: SharedTCPListener
            if reusePort, local.port != 0, let existing = sharedListeners[key] {
                shared = existing
            } else {
                shared = try SharedTCPListener(
                    local: local, domain: domain, v6Only: v6Only, listenHost: listenHost, reusePort: reusePort, loop: loop,
                    scratch: scratch, adopt: { [unowned self] stream in sockets[stream.inode] = stream },
                    onFinished: { [unowned self] in ended($0, error: $1) })
                try shared.start()
                if let key = shared.key { sharedListeners[key] = shared }
            }
            let pair = try SocketPair(type: CInt(SOCK_SEQPACKET.rawValue))
            let listener = TCPListenerBridge(joining: shared, pair: pair, loop: loop, onLast: { [unowned self] shared in
                if let key = shared.key, sharedListeners[key] === shared { sharedListeners[key] = nil }
            }, onFinished: { [unowned self] in ended($0, error: 0) })
            try listener.start()
            sockets[pair.inode] = listener
            reply(RPCReply(operation: request.operation, kind: .tcpListener, domain: domain, inode: pair.inode, local: listener.local),
                  pair.program)
        }
    }

    private func bindUDP(_ request: RPCRequest, on local: RPCEndpoint, domain: RPCDomain, v6Only: Bool, reuse: Bool, isolated: Bool,
                         reply: @escaping Reply) {
        if let address = local.address, !networks.isLocal(address.engineAddress) {
            reply(.failure(request, errno: EADDRNOTAVAIL), nil)
            return
        }
        answering(request, reply) {
            let pair = try SocketPair(type: CInt(SOCK_SEQPACKET.rawValue))
            let udp = try UDPBridge(local: local, domain: domain, v6Only: v6Only, reuse: reuse, isolated: isolated, pair: pair, loop: loop,
                                    scratch: scratch, networks: networks, resolver: resolver,
                                    onFinished: { [unowned self] in ended($0, error: $1) })
            try udp.start()
            sockets[pair.inode] = udp
            reply(RPCReply(operation: request.operation, kind: .udp, domain: domain, inode: pair.inode, local: udp.local), pair.program)
        }
    }

    private func openICMP(_ request: RPCRequest, domain: RPCDomain, raw: Bool, reply: @escaping Reply) {
        answering(request, reply) {
            let pair = try SocketPair(type: CInt(SOCK_SEQPACKET.rawValue))
            let icmp = try ICMPBridge(domain: domain, raw: raw, pair: pair, loop: loop, scratch: scratch, networks: networks,
                                      onFinished: { [unowned self] in ended($0, error: $1) })
            try icmp.start()
            sockets[pair.inode] = icmp
            reply(RPCReply(operation: request.operation, kind: .icmp, domain: domain, inode: pair.inode), pair.program)
        }
    }

    /// Runs `body`, which replies itself; a failure becomes the reply's errno (EIO when it has none).
    private func answering(_ request: RPCRequest, _ reply: Reply, _ body: () throws -> Void) {
        do {
            try body()
        } catch let error as NetStackError {
            reply(.failure(request, errno: error.errno), nil)
        } catch let error as Errno {
            reply(.failure(request, errno: error.rawValue), nil)
        } catch {
            reply(.failure(request, errno: EIO), nil)
        }
    }

    /// Bridge thread: a socket's node end is closed.
    private func ended(_ inode: UInt64, error: Int32) {
        sockets[inode] = nil
        guard error != 0 else { return }
        endings[inode] = error
        loop.schedule(afterMilliseconds: Self.endingMemoryMilliseconds) { [weak self] in self?.endings[inode] = nil }
    }

    /// The sockets programs hold and lwIP's control blocks, counted on the bridge thread.
    func census() -> SocketStatus {
        var status = SocketStatus(tcpConnections: 0, tcpListeners: 0, udp: 0, icmp: 0, stackTCPActive: 0, stackTCPListening: 0,
                                  stackTCPBound: 0, stackTCPTimeWait: 0, stackUDP: 0)
        for socket in sockets.values {
            switch socket {
            case is TCPStreamBridge: status.tcpConnections += 1
            case is TCPListenerBridge: status.tcpListeners += 1
            case is UDPBridge: status.udp += 1
            case is ICMPBridge: status.icmp += 1
            default: break
            }
        }
        let blocks = Stack.controlBlocks
        status.stackTCPActive = blocks.tcpActive
        status.stackTCPListening = blocks.tcpListening
        status.stackTCPBound = blocks.tcpBound
        status.stackTCPTimeWait = blocks.tcpTimeWait
        status.stackUDP = blocks.udp
        return status
    }

    func closeAll() {
        resolver.closeAll()
        for socket in sockets.values { socket.close() }
        sockets.removeAll()
    }
}

extension RPCReply {
    /// The same description, as the answer to `request`.
    func replying(to request: RPCRequest) -> RPCReply {
        var reply = self
        reply.operation = request.operation
        return reply
    }
}
