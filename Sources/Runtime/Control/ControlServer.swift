import CNetconSys
import ControlPlane
import Glibc
import Logging
import SystemPackage

/// Serves the control socket on the daemon's event loop. The socket is created 0600 and every connection's
/// peer credentials are checked, so only the daemon's own user (or root) can drive it.
public final class ControlServer {
    /// Handles one request and calls `reply` exactly once, now or later (on the loop thread).
    public typealias Handler = (ControlRequest, _ reply: @escaping (ControlResponse) -> Void) -> Void

    private let loop: EventLoop
    private let listener: OwnedDescriptor
    private let path: String
    private let handler: Handler
    private let logger: Logger
    private var connections: [CInt: ControlConnection] = [:]

    static let maximumConnections = 32
    static let idleTimeoutMilliseconds: Int64 = 10_000

    /// Binds `path` (replacing a stale socket left by a dead daemon: the caller holds the home lock).
    public init(path: String, loop: EventLoop, logger: Logger, handler: @escaping Handler) throws(NetconError) {
        self.loop = loop
        self.path = path
        self.handler = handler
        self.logger = logger
        unlink(path)
        let fd = netcon_unix_listen(path, 0o600, 16)
        guard fd >= 0 else { throw .io(path: path, errno: Errno(rawValue: errno)) }
        listener = OwnedDescriptor(rawValue: fd)
        do {
            try loop.register(fd, for: .readable) { [unowned self] _ in self.acceptAll() }
        } catch {
            throw .io(path: path, errno: error)
        }
    }

    public func close() {
        for fd in Array(connections.keys) { drop(fd) }
        loop.unregister(listener.rawValue)
        listener.close()
        unlink(path)
    }

    private func acceptAll() {
        while true {
            let fd = netcon_accept_nonblocking(listener.rawValue)
            if fd < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK { logger.warning("control accept failed", metadata: ["errno": "\(Errno(rawValue: errno))"]) }
                return
            }
            admit(OwnedDescriptor(rawValue: fd))
        }
    }

    private func admit(_ descriptor: OwnedDescriptor) {
        var uid: uid_t = 0
        var pid: pid_t = 0
        guard netcon_peer_credentials(descriptor.rawValue, &uid, &pid) == 0 else { return }
        guard uid == getuid() || uid == 0 else {
            logger.warning("refused control connection from another user", metadata: ["peer.uid": "\(uid)", "peer.pid": "\(pid)"])
            return
        }
        guard connections.count < Self.maximumConnections else {
            logger.warning("too many control connections; refusing one", metadata: ["peer.pid": "\(pid)"])
            return
        }
        let fd = descriptor.rawValue
        let connection = ControlConnection(descriptor: descriptor)
        connections[fd] = connection
        do {
            try loop.register(fd, for: [.readable, .hangup]) { [unowned self] events in self.service(fd, events) }
        } catch {
            connections[fd] = nil
            return
        }
        connection.idleTimer = loop.schedule(afterMilliseconds: Self.idleTimeoutMilliseconds) { [weak self] in
            self?.drop(fd)
        }
    }

    private func service(_ fd: CInt, _ events: EventLoop.Events) {
        guard let connection = connections[fd] else { return }
        let outcome = connection.service(events, handler: handler) { [weak self] in self?.service(fd, []) }
        switch outcome {
        case .keep(let wantsWrite):
            try? loop.modify(fd, for: wantsWrite ? [.readable, .writable, .hangup] : [.readable, .hangup])
        case .close(let failure):
            if let failure { logger.debug("control connection closed", metadata: ["reason": "\(failure)"]) }
            drop(fd)
        }
    }

    private func drop(_ fd: CInt) {
        guard let connection = connections.removeValue(forKey: fd) else { return }
        if let timer = connection.idleTimer { loop.cancel(timer) }
        loop.unregister(fd)
        connection.descriptor.close()
    }
}
