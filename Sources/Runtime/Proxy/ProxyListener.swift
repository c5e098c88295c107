import CNetconSys
import Glibc
import Logging
import NetconRPC
import RelayProtocols
import SystemPackage

/// One proxy port on the host: the relay loop accepts, each client's handshake runs on a worker thread of its
/// own (bounded, each with the handshake's deadline), and the tunnel it opens comes back to the loop as a relay.
final class ProxyListener: @unchecked Sendable {
    // @unchecked: confined to the loop thread; workers hand their tunnels back through `loop.execute`.
    enum Kind: String {
        case socks5, http
    }

    let kind: Kind
    let local: RPCEndpoint
    private let listener: OwnedDescriptor
    private let loop: EventLoop
    private let context: ProxyContext
    private let workers: RelayWorkers
    private let relays: RelaySet

    static let maximumConnections = 1024

    init(_ kind: Kind, on local: RPCEndpoint, loop: EventLoop, context: ProxyContext, workers: RelayWorkers) throws(Errno) {
        self.kind = kind
        self.local = local
        self.loop = loop
        self.context = context
        self.workers = workers
        relays = RelaySet(loop: loop)
        listener = try HostSockets.listen(on: local)
    }

    func start() throws(Errno) {
        try loop.register(listener.rawValue, for: .readable) { [unowned self] _ in acceptAll() }
    }

    func close() {
        loop.unregister(listener.rawValue)
        listener.close()
        relays.abortAll()
    }

    private func acceptAll() {
        while true {
            let fd = netcon_accept_nonblocking(listener.rawValue)
            guard fd >= 0 else { return }
            let client = OwnedDescriptor(rawValue: fd)
            guard let peer = HostSockets.peerEndpoint(of: fd), let local = HostSockets.localEndpoint(of: fd) else { continue }
            var logger = context.logger
            logger[metadataKey: "proxy"] = "\(kind.rawValue)"
            logger[metadataKey: "client"] = "\(peer)"
            guard relays.count < Self.maximumConnections else {
                logger.warning("too many connections; refusing one")
                continue
            }
            let kind = kind, context = context, loop = loop
            let started = workers.start { [self, logger] in
                let tunnel: Tunnel? = switch kind {
                case .socks5: SOCKSHandshake(client: client, peer: peer, local: local, context: context, logger: logger).serve()
                case .http: HTTPProxyHandshake(client: client, context: context, logger: logger).serve()
                }
                guard let tunnel else { return }
                loop.execute { [self] in
                    relays.start(client, tunnel.remote, toSecond: tunnel.toRemote, toFirst: tunnel.toClient,
                                 endsWithSecondSide: tunnel.endsWithRemote, logger: logger)
                }
            }
            if !started { logger.warning("too many handshakes at once; refusing a connection") }
        }
    }
}
