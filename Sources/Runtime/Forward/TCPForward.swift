import CNetconSys
import Glibc
import Logging
import NetconRPC
import RelayProtocols
import SystemPackage

/// A TCP rule: each connection its listener accepts (on the virtual network for expose, on the host for publish)
/// gets a connection to the target from a worker thread, then a `StreamRelay` on the loop. A target that cannot
/// be reached resets the client's connection, as a closed port would.
final class TCPForward: Forward, @unchecked Sendable {
    // @unchecked: confined to the loop thread; workers hand their results back through `loop.execute`.
    let rule: ForwardRule
    /// Where it listens, its port resolved.
    let local: RPCEndpoint
    private let listener: OwnedDescriptor
    private let context: ForwardContext
    private let onLost: () -> Void
    private let relays: RelaySet
    private var isClosed = false

    static let maximumConnections = 1024

    /// - Parameter onLost: loop thread, when the node closed the listener (it stopped).
    init(_ rule: ForwardRule, context: ForwardContext, onLost: @escaping () -> Void) throws(Errno) {
        self.rule = rule
        self.context = context
        self.onLost = onLost
        relays = RelaySet(loop: context.loop)
        switch rule.direction {
        case .expose: (listener, local) = try context.virtual.listen(on: rule.listen)
        case .publish: (listener, local) = (try HostSockets.listen(on: rule.listen), rule.listen)
        }
    }

    func start() throws(Errno) {
        try context.loop.register(listener.rawValue, for: .readable) { [unowned self] _ in acceptAll() }
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        context.loop.unregister(listener.rawValue)
        listener.close()
        relays.abortAll()
    }

    private func acceptAll() {
        while !isClosed {
            switch rule.direction {
            case .expose:
                switch VirtualSockets.accept(from: listener.rawValue) {
                case let .connection(client, accepted): admit(client, from: accepted.remote, to: accepted.local)
                case .none: return
                case .closed:
                    context.logger.error("the node closed the listener of a forward", metadata: ["forward": "\(rule)"])
                    close()
                    onLost()
                    return
                }
            case .publish:
                let fd = netcon_accept_nonblocking(listener.rawValue)
                guard fd >= 0 else { return }
                let client = OwnedDescriptor(rawValue: fd)
                guard let peer = HostSockets.peerEndpoint(of: fd) else { continue }
                admit(client, from: peer, to: local)
            }
        }
    }

    private func admit(_ client: OwnedDescriptor, from peer: RPCEndpoint, to local: RPCEndpoint) {
        var logger = context.logger
        logger[metadataKey: "forward"] = "\(rule)"
        logger[metadataKey: "client"] = "\(peer)"
        guard relays.count < Self.maximumConnections else {
            logger.warning("too many connections on this forward; refusing one")
            return
        }
        let rule = rule, virtual = context.virtual, loop = context.loop
        // A member's connection as the host service would see it, were it not relayed: the PROXY header says so.
        let header = rule.proxyProtocol ? ProxyProtocolHeader(source: peer, destination: local).bytes : []
        let started = context.workers.start { [self, logger] in
            let target: OwnedDescriptor
            do throws(Errno) {
                switch rule.direction {
                case .expose: target = try HostSockets.connect(to: rule.target, timeoutMilliseconds: ForwardContext.connectTimeoutMilliseconds)
                case .publish:
                    target = try virtual.connect(to: rule.target, timeoutSeconds: Int(ForwardContext.connectTimeoutMilliseconds / 1000)).0
                }
            } catch {
                logger.info("cannot reach the target; resetting the client's connection", metadata: ["error": "\(error)"])
                switch rule.direction {
                case .expose: virtual.resetOnClose(client)
                case .publish: HostSockets.resetOnClose(client)
                }
                client.close()
                return
            }
            loop.execute { [self] in relay(client, target, header: header, logger: logger) }
        }
        if started {
            logger.info("connection accepted", metadata: ["local": "\(local)"])
        } else {
            logger.warning("too many connections being set up; refusing one")
        }
    }

    private func relay(_ client: OwnedDescriptor, _ target: OwnedDescriptor, header: [UInt8], logger: Logger) {
        guard !isClosed else { return }
        relays.start(client, target, toSecond: header, logger: logger)
    }
}
