import CNetconSys
import Glibc
import Logging
import NetconRPC
import NetStack
import Synchronization
import SystemPackage

/// A listening virtual TCP socket: each connection lwIP accepts (and, with `--listen-host`, each one the
/// host's kernel accepts) reaches the program as a descriptor sent on the listener's SEQPACKET pair, so the
/// program's epoll sees the listener readable exactly when accept() has something to return. Listeners that
/// share a port (SO_REUSEPORT) share one `SharedTCPListener`.
final class TCPListenerBridge: VirtualSocket, @unchecked Sendable {
    let inode: UInt64
    let domain: RPCDomain
    let shared: SharedTCPListener
    private let channel: OwnedDescriptor
    private let loop: EventLoop
    private let onLast: @Sendable (SharedTCPListener) -> Void
    private let onFinished: @Sendable (UInt64) -> Void
    private var isGone = false

    var local: RPCEndpoint { shared.local }

    /// - Parameters:
    ///   - onLast: on the bridge thread, when this was the last listener of `shared` (now closed).
    ///   - onFinished: on the bridge thread, with the inode, once this listener is closed (the program's end went).
    init(joining shared: SharedTCPListener, pair: SocketPair, loop: EventLoop, onLast: @escaping @Sendable (SharedTCPListener) -> Void,
         onFinished: @escaping @Sendable (UInt64) -> Void) {
        inode = pair.inode
        channel = pair.node
        domain = shared.domain
        self.shared = shared
        self.loop = loop
        self.onLast = onLast
        self.onFinished = onFinished
        shared.add(channel: pair.node.rawValue)
    }

    /// Bridge thread, once the program has its end.
    func start() throws(Errno) {
        try loop.register(channel.rawValue, for: []) { [self] events in
            if events.rawValue & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { close() }
        }
    }

    func describe(_ reply: @escaping (RPCReply) -> Void) {
        reply(RPCReply(operation: RPCRequest.describe(inode: inode).operation, kind: .tcpListener, domain: domain,
                       inode: inode, local: local))
    }

    func close() {
        guard !isGone else { return }
        isGone = true
        loop.unregister(channel.rawValue)
        let last = shared.remove(channel: channel.rawValue)
        channel.close()
        if last {
            shared.close()
            onLast(shared)
        }
        onFinished(inode)
    }
}

/// One lwIP listener (and its `--listen-host` twin) and the programs' listening sockets it feeds: one, or several
/// that listen on the same port with SO_REUSEPORT, each connection going to the next of them in turn.
final class SharedTCPListener: @unchecked Sendable {
    /// What makes listeners the same for SO_REUSEPORT.
    struct Key: Hashable {
        var domain: RPCDomain
        var address: RPCAddress?
        var port: UInt16
        var v6Only: Bool
    }

    let domain: RPCDomain
    let local: RPCEndpoint
    /// nil: not shareable (no SO_REUSEPORT, or an ephemeral port).
    let key: Key?
    private let listener: TCPListener
    private let hostListener: OwnedDescriptor?
    private let loop: EventLoop
    private let channels: ListenerChannels
    private var isClosed = false

    /// - Parameter adopt: on the bridge thread, for each connection handed to a program.
    init(local: RPCEndpoint, domain: RPCDomain, v6Only: Bool, listenHost: Bool, reusePort: Bool, loop: EventLoop,
         scratch: ScratchBuffer, adopt: @escaping @Sendable (TCPStreamBridge) -> Void,
         onFinished: @escaping @Sendable (UInt64, Int32) -> Void) throws(NetStackError) {
        self.domain = domain
        self.loop = loop
        let channels = ListenerChannels()
        self.channels = channels
        let address: NetStack.IPAddress? = local.address?.stackAddress
            ?? (domain == .inet ? .v4(.any) : v6Only ? .v6(.any) : nil)
        let box = SendableBox((loop, scratch))
        listener = try TCPListener(address: address, port: local.port) { connection in
            SharedTCPListener.accepted(connection, channels: channels, domain: domain, loop: box.value.0,
                                       scratch: box.value.1, adopt: adopt, onFinished: onFinished)
        }
        self.local = RPCEndpoint(address: local.address, port: listener.localPort)
        key = reusePort && local.port != 0 ? Key(domain: domain, address: local.address, port: local.port, v6Only: v6Only) : nil
        if listenHost {
            do {
                hostListener = try HostListener.open(port: listener.localPort, domain: domain, v6Only: v6Only)
            } catch {
                listener.close()
                throw .addressInUse
            }
        } else {
            hostListener = nil
        }
    }

    /// Bridge thread, once created.
    func start() throws(Errno) {
        if let hostListener {
            try loop.register(hostListener.rawValue, for: .readable) { [self] _ in acceptFromHost() }
        }
    }

    func add(channel: CInt) { channels.add(channel) }

    /// Whether it was the last one.
    func remove(channel: CInt) -> Bool { channels.remove(channel) }

    /// lwIP's tcpip thread, core held.
    private static func accepted(_ connection: TCPConnection, channels: ListenerChannels, domain: RPCDomain, loop: EventLoop,
                                 scratch: ScratchBuffer, adopt: @escaping @Sendable (TCPStreamBridge) -> Void,
                                 onFinished: @escaping @Sendable (UInt64, Int32) -> Void) {
        guard let pair = try? SocketPair(type: CInt(SOCK_STREAM.rawValue)),
              let remote = connection.remoteEndpoint, let local = connection.localEndpoint
        else {
            connection.abort()
            return
        }
        let stream = TCPStreamBridge(pair: pair, domain: domain, state: .connecting, remote: RPCEndpoint(remote),
                                     loop: loop, scratch: scratch, onFinished: onFinished)
        let message = RPCAccepted(remote: RPCEndpoint(remote), local: RPCEndpoint(local)).bytes
        let sent = channels.send(message, descriptor: pair.program.rawValue)
        pair.program.close()
        guard sent else {
            // Every program's accept queue is full or closed: refuse like a full backlog.
            connection.abort()
            stream.close()
            return
        }
        stream.established(connection)
        connection.setHandlers(stream.handlers)
        loop.execute { adopt(stream) }
    }

    private func acceptFromHost() {
        guard let hostListener else { return }
        while true {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(hostListener.rawValue, $0, &length) }
            }
            guard fd >= 0 else { return }
            let accepted = OwnedDescriptor(rawValue: fd)
            var localAddress = sockaddr_storage()
            var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = withUnsafeMutablePointer(to: &localAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &localLength) }
            }
            guard let remote = RPCEndpoint(socketAddress: address), let local = RPCEndpoint(socketAddress: localAddress) else { continue }
            _ = channels.send(RPCAccepted(remote: remote, local: local).bytes, descriptor: fd)
            accepted.close()
        }
    }

    /// Bridge thread, when its last program listener is gone.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        listener.close()
        if let hostListener {
            loop.unregister(hostListener.rawValue)
            hostListener.close()
        }
    }
}

/// The node ends of the programs' listening sockets of one port, taken in turn.
final class ListenerChannels: @unchecked Sendable {
    private let state = Mutex<(channels: [CInt], next: Int)>(([], 0))

    func add(_ channel: CInt) { state.withLock { $0.channels.append(channel) } }

    func remove(_ channel: CInt) -> Bool {
        state.withLock { state in
            state.channels.removeAll { $0 == channel }
            return state.channels.isEmpty
        }
    }

    /// Sends an accepted connection to the next listener that takes it; false when none does.
    func send(_ message: [UInt8], descriptor: CInt) -> Bool {
        state.withLock { state in
            let count = state.channels.count
            for attempt in 0..<count {
                let channel = state.channels[(state.next + attempt) % count]
                let sent = message.withUnsafeBytes { netcon_send_descriptor(channel, $0.baseAddress, $0.count, descriptor) }
                if sent == message.count {
                    state.next = (state.next + attempt + 1) % count
                    return true
                }
            }
            return false
        }
    }
}

/// The host-side listener of `--listen-host`: a kernel TCP socket on the same port.
enum HostListener {
    static func open(port: UInt16, domain: RPCDomain, v6Only: Bool) throws(Errno) -> OwnedDescriptor {
        let family = domain == .inet ? AF_INET : AF_INET6
        let fd = OwnedDescriptor(rawValue: try syscall { socket(family, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0) })
        var one: CInt = 1
        try syscall { setsockopt(fd.rawValue, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size)) }
        if domain == .inet {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            try syscall { withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd.rawValue, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } }
        } else {
            var only: CInt = v6Only ? 1 : 0
            try syscall { setsockopt(fd.rawValue, CInt(IPPROTO_IPV6), IPV6_V6ONLY, &only, socklen_t(MemoryLayout<CInt>.size)) }
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            try syscall { withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd.rawValue, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } } }
        }
        try syscall { listen(fd.rawValue, 128) }
        return fd
    }
}

extension RPCEndpoint {
    /// A kernel socket address; v4-mapped IPv6 addresses become IPv4, as the RPC carries them.
    init?(socketAddress storage: sockaddr_storage) {
        var storage = storage
        switch CInt(storage.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: &storage) { $0.loadUnaligned(as: sockaddr_in.self) }
            let bytes = withUnsafeBytes(of: address.sin_addr) { Array($0) }
            self.init(address: .v4(bytes), port: UInt16(bigEndian: address.sin_port))
        case AF_INET6:
            let address = withUnsafeBytes(of: &storage) { $0.loadUnaligned(as: sockaddr_in6.self) }
            let bytes = withUnsafeBytes(of: address.sin6_addr) { Array($0) }
            let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
            self.init(address: mapped ? .v4(Array(bytes[12...])) : .v6(bytes, scope: address.sin6_scope_id),
                      port: UInt16(bigEndian: address.sin6_port))
        default:
            return nil
        }
    }
}
