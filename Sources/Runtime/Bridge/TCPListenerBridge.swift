import CNetconSys
import Glibc
import Logging
import NetconRPC
import NetStack
import SystemPackage

/// A listening virtual TCP socket: each connection lwIP accepts (and, with `--listen-host`, each one the
/// host's kernel accepts) reaches the program as a descriptor sent on the listener's SEQPACKET pair, so the
/// program's epoll sees the listener readable exactly when accept() has something to return.
final class TCPListenerBridge: VirtualSocket, @unchecked Sendable {
    let inode: UInt64
    let domain: RPCDomain
    let local: RPCEndpoint
    private let channel: OwnedDescriptor
    private let listener: TCPListener
    private let hostListener: OwnedDescriptor?
    private let loop: EventLoop
    private var isGone = false

    /// - Parameter adopt: on the bridge thread, for each connection handed to the program.
    init(local: RPCEndpoint, domain: RPCDomain, v6Only: Bool, listenHost: Bool, loop: EventLoop, scratch: ScratchBuffer,
         adopt: @escaping @Sendable (TCPStreamBridge) -> Void, onFinished: @escaping @Sendable (UInt64, Int32) -> Void,
         pair: SocketPair) throws(NetStackError) {
        inode = pair.inode
        channel = pair.node
        self.domain = domain
        self.loop = loop
        let address: NetStack.IPAddress? = local.address?.stackAddress
            ?? (domain == .inet ? .v4(.any) : v6Only ? .v6(.any) : nil)
        let channelFD = pair.node.rawValue
        let box = SendableBox((loop, scratch))
        listener = try TCPListener(address: address, port: local.port) { connection in
            TCPListenerBridge.accepted(connection, channel: channelFD, domain: domain, loop: box.value.0,
                                       scratch: box.value.1, adopt: adopt, onFinished: onFinished)
        }
        self.local = RPCEndpoint(address: local.address, port: listener.localPort)
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

    /// Bridge thread, once the program has its end.
    func start() throws(Errno) {
        try loop.register(channel.rawValue, for: []) { [self] events in
            if events.rawValue & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { close() }
        }
        if let hostListener {
            try loop.register(hostListener.rawValue, for: .readable) { [self] _ in acceptFromHost() }
        }
    }

    /// lwIP's tcpip thread, core held.
    private static func accepted(_ connection: TCPConnection, channel: CInt, domain: RPCDomain, loop: EventLoop,
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
        let sent = message.withUnsafeBytes { netcon_send_descriptor(channel, $0.baseAddress, $0.count, pair.program.rawValue) }
        pair.program.close()
        guard sent == message.count else {
            // The program's accept queue is full or it closed the listener: refuse like a full backlog.
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
            let message = RPCAccepted(remote: remote, local: local).bytes
            _ = message.withUnsafeBytes { netcon_send_descriptor(channel.rawValue, $0.baseAddress, $0.count, fd) }
            accepted.close()
        }
    }

    func describe(_ reply: @escaping (RPCReply) -> Void) {
        reply(RPCReply(operation: RPCRequest.describe(inode: inode).operation, kind: .tcpListener, domain: domain,
                       inode: inode, local: local))
    }

    func close() {
        guard !isGone else { return }
        isGone = true
        listener.close()
        loop.unregister(channel.rawValue)
        channel.close()
        if let hostListener {
            loop.unregister(hostListener.rawValue)
            hostListener.close()
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
