import CNetconSys
import Glibc
import Logging
import NetconRPC
import RelayProtocols
import SystemPackage

/// A UDP rule: each client (a member's address and port for expose, a host program's for publish) gets a session
/// with a socket of its own toward the target, so the target's replies come back to the client that asked.
/// A session ends after `udpIdleMilliseconds` without a datagram either way. Datagrams that cannot be delivered
/// (the target's port is closed, too many sessions) are dropped and counted.
final class UDPForward: Forward {
    private final class Session {
        let client: RPCEndpoint
        let socket: OwnedDescriptor
        /// expose: the node's address the member sent to, which the replies leave from.
        var reachedAt: RPCEndpoint?
        var lastActive = monotonicMilliseconds()
        var toTarget = 0, toClient = 0, dropped = 0
        init(client: RPCEndpoint, socket: OwnedDescriptor) {
            self.client = client
            self.socket = socket
        }
    }

    let rule: ForwardRule
    let local: RPCEndpoint
    private let listener: OwnedDescriptor
    private let context: ForwardContext
    private let onLost: () -> Void
    private var sessions: [RPCEndpoint: Session] = [:]
    private var sweeper: EventLoop.TimerID?
    private var refusedSessions = 0
    private var isClosed = false
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536 + RPCDatagramHeader.size, alignment: 16)

    static let maximumSessions = 256

    init(_ rule: ForwardRule, context: ForwardContext, onLost: @escaping () -> Void) throws(Errno) {
        self.rule = rule
        self.context = context
        self.onLost = onLost
        switch rule.direction {
        case .expose: (listener, local) = try context.virtual.bindUDP(on: rule.listen)
        case .publish: (listener, local) = (try HostSockets.bindUDP(on: rule.listen), rule.listen)
        }
    }

    deinit { buffer.deallocate() }

    func start() throws(Errno) {
        try context.loop.register(listener.rawValue, for: .readable) { [unowned self] _ in fromClients() }
        scheduleSweep()
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        if let sweeper { context.loop.cancel(sweeper) }
        context.loop.unregister(listener.rawValue)
        listener.close()
        for session in Array(sessions.values) { end(session) }
    }

    /// The clients' datagrams, each to its session's socket.
    private func fromClients() {
        for _ in 0..<64 where !isClosed {
            let client: RPCEndpoint
            let payload: UnsafeRawBufferPointer
            var reachedAt: RPCEndpoint?
            switch rule.direction {
            case .expose:
                switch VirtualDatagrams.receive(listener.rawValue, into: buffer) {
                case let .datagram(header, range):
                    client = header.peer
                    reachedAt = header.local
                    payload = UnsafeRawBufferPointer(rebasing: buffer[range])
                case .skipped: continue
                case .none: return
                case .closed:
                    context.logger.error("the node closed the socket of a forward", metadata: ["forward": "\(rule)"])
                    close()
                    onLost()
                    return
                }
            case .publish:
                var storage = sockaddr_storage()
                var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let count = withUnsafeMutablePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(listener.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), $0, &length)
                    }
                }
                guard count >= 0, let source = RPCEndpoint(socketAddress: storage) else { return }
                client = source
                payload = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            }
            guard let session = session(for: client) else { continue }
            session.lastActive = monotonicMilliseconds()
            if let reachedAt { session.reachedAt = reachedAt }
            let sent: Bool = switch rule.direction {
            case .expose: send(session.socket.rawValue, payload.baseAddress, payload.count, netcon_msg_nosignal | Int32(MSG_DONTWAIT)) == payload.count
            case .publish: VirtualDatagrams.send(session.socket.rawValue, to: rule.target, payload)
            }
            if sent { session.toTarget += 1 } else { drop(session, errno) }
        }
    }

    /// The target's replies on one session, back to its client.
    private func fromTarget(_ session: Session) {
        for _ in 0..<64 where !isClosed {
            let payload: UnsafeRawBufferPointer
            switch rule.direction {
            case .expose:
                let count = recv(session.socket.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
                if count < 0 {
                    if errno == EAGAIN || errno == EINTR { return }
                    // ECONNREFUSED: an earlier datagram found the target's port closed.
                    drop(session, errno)
                    continue
                }
                payload = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            case .publish:
                switch VirtualDatagrams.receive(session.socket.rawValue, into: buffer) {
                case let .datagram(header, range):
                    guard header.peer == rule.target else { continue }
                    payload = UnsafeRawBufferPointer(rebasing: buffer[range])
                case .skipped: continue
                case .none: return
                case .closed:
                    end(session)
                    return
                }
            }
            session.lastActive = monotonicMilliseconds()
            let delivered: Bool
            switch rule.direction {
            case .expose:
                delivered = VirtualDatagrams.send(listener.rawValue, to: session.client, from: session.reachedAt, payload)
            case .publish:
                delivered = (try? HostSockets.withSocketAddress(session.client) { address, length throws(Errno) in
                    sendto(listener.rawValue, payload.baseAddress, payload.count, netcon_msg_nosignal | Int32(MSG_DONTWAIT), address, length)
                }) == payload.count
            }
            if delivered { session.toClient += 1 } else { drop(session, errno) }
        }
    }

    private func session(for client: RPCEndpoint) -> Session? {
        if let existing = sessions[client] { return existing }
        guard sessions.count < Self.maximumSessions else {
            refusedSessions += 1
            if refusedSessions == 1 || refusedSessions % 1000 == 0 {
                context.logger.warning("too many UDP sessions; dropping a new client's datagrams",
                                       metadata: ["forward": "\(rule)", "client": "\(client)", "dropped": "\(refusedSessions)"])
            }
            return nil
        }
        let socket: OwnedDescriptor
        do {
            switch rule.direction {
            case .expose: socket = try HostSockets.connectedUDP(to: rule.target)
            // A quick RPC (the node binds at once); the session's own port tells its replies from the others'.
            case .publish: socket = try context.virtual.bindUDP(on: RPCEndpoint(address: nil, port: 0)).0
            }
        } catch {
            context.logger.warning("cannot open a UDP session", metadata: ["forward": "\(rule)", "client": "\(client)", "error": "\(error)"])
            return nil
        }
        let session = Session(client: client, socket: socket)
        do {
            try context.loop.register(socket.rawValue, for: .readable) { [unowned self, unowned session] _ in fromTarget(session) }
        } catch {
            return nil
        }
        sessions[client] = session
        context.logger.info("UDP session started", metadata: ["forward": "\(rule)", "client": "\(client)"])
        return session
    }

    private func drop(_ session: Session, _ error: Int32) {
        session.dropped += 1
        if session.dropped == 1 {
            context.logger.info("UDP datagram dropped", metadata: ["forward": "\(rule)", "client": "\(session.client)",
                                                                 "error": "\(Errno(rawValue: error))"])
        }
    }

    private func end(_ session: Session) {
        guard sessions.removeValue(forKey: session.client) != nil else { return }
        context.loop.unregister(session.socket.rawValue)
        session.socket.close()
        context.logger.info("UDP session ended", metadata: [
            "forward": "\(rule)", "client": "\(session.client)", "datagrams.in": "\(session.toTarget)",
            "datagrams.out": "\(session.toClient)", "dropped": "\(session.dropped)",
        ])
    }

    private func scheduleSweep() {
        let period = max(100, min(context.udpIdleMilliseconds / 2, 5_000))
        sweeper = context.loop.schedule(afterMilliseconds: period) { [weak self] in
            guard let self, !isClosed else { return }
            let now = monotonicMilliseconds()
            for session in Array(sessions.values) where now - session.lastActive >= context.udpIdleMilliseconds { end(session) }
            scheduleSweep()
        }
    }
}
