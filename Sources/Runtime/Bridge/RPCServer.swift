import CNetconSys
import Glibc
import Logging
import NetconRPC
import SystemPackage

/// The intercept library's door into the node: an owner-only SEQPACKET socket, one request per connection,
/// served on the bridge thread. A reply may come later (a blocking connect waits for the handshake).
final class RPCServer: @unchecked Sendable {
    // @unchecked: confined to the bridge thread.
    private let loop: EventLoop
    private let listener: OwnedDescriptor
    private let path: String
    private let bridge: SocketBridge
    private let logger: Logger
    private var connections: [CInt: OwnedDescriptor] = [:]
    /// Connections whose request is being served (a blocking connect may take long).
    private var answering: Set<CInt> = []

    static let maximumConnections = 1024
    /// A caller that connects and sends nothing is dropped after this long (it would hold a slot forever).
    static let requestTimeoutMilliseconds: Int64 = 10_000

    init(path: String, loop: EventLoop, bridge: SocketBridge, logger: Logger) throws(NetconError) {
        self.loop = loop
        self.path = path
        self.bridge = bridge
        self.logger = logger
        unlink(path)
        let fd = netcon_unix_listen_type(path, CInt(SOCK_SEQPACKET.rawValue), 0o600, 128)
        guard fd >= 0 else { throw .io(path: path, errno: Errno(rawValue: errno)) }
        listener = OwnedDescriptor(rawValue: fd)
        do {
            try loop.register(fd, for: .readable) { [unowned self] _ in acceptAll() }
        } catch {
            throw .io(path: path, errno: error)
        }
    }

    func close() {
        for fd in Array(connections.keys) { drop(fd) }
        loop.unregister(listener.rawValue)
        listener.close()
        unlink(path)
    }

    private func acceptAll() {
        while true {
            let fd = netcon_accept_nonblocking(listener.rawValue)
            guard fd >= 0 else { return }
            let connection = OwnedDescriptor(rawValue: fd)
            var uid: uid_t = 0
            var pid: pid_t = 0
            guard netcon_peer_credentials(fd, &uid, &pid) == 0, uid == getuid() || uid == 0 else {
                logger.warning("refused an RPC connection from another user", metadata: ["uid": "\(uid)", "pid": "\(pid)"])
                continue
            }
            guard connections.count < Self.maximumConnections else {
                logger.warning("too many RPC connections; refusing one", metadata: ["pid": "\(pid)"])
                continue
            }
            do {
                try loop.register(fd, for: .readable) { [unowned self] _ in receive(on: fd) }
            } catch {
                continue
            }
            connections[fd] = connection
            loop.schedule(afterMilliseconds: Self.requestTimeoutMilliseconds) { [weak self, weak connection] in
                guard let self, let connection, connections[fd] === connection, !answering.contains(fd) else { return }
                loop.unregister(fd)
                drop(fd)
            }
        }
    }

    private func receive(on fd: CInt) {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if count < 0 && (errno == EAGAIN || errno == EINTR) { return }
        // One request per connection: stop listening to it whatever arrived.
        loop.unregister(fd)
        guard count > 0 else {
            drop(fd)
            return
        }
        let request: RPCRequest
        do {
            request = try RPCRequest(bytes: buffer[0..<count])
        } catch {
            logger.debug("malformed RPC request", metadata: ["error": "\(error)"])
            drop(fd)
            return
        }
        answering.insert(fd)
        bridge.handle(request) { [weak self] reply, descriptor in
            guard let self, let connection = connections[fd] else { return }
            let bytes = reply.bytes
            _ = bytes.withUnsafeBytes {
                netcon_send_descriptor(connection.rawValue, $0.baseAddress, $0.count, descriptor?.rawValue ?? -1)
            }
            descriptor?.close()
            drop(fd)
        }
    }

    private func drop(_ fd: CInt) {
        answering.remove(fd)
        connections.removeValue(forKey: fd)?.close()
    }
}
