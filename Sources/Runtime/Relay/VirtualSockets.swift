import CNetconSys
import Glibc
import NetconRPC
import SystemPackage

/// Sockets on the virtual networks for netcon's own relays (port forwards, proxies), asked of the node through
/// its RPC exactly as the intercept library asks for a program's: a connected stream, a listener that passes each
/// accepted connection as a descriptor, a datagram socket whose messages carry their peer in front.
/// Every call blocks until the node answers (a connect: until the handshake ends); call it off the relay loop.
struct VirtualSockets: Sendable {
    let rpc: RPCClient

    init(home: NodeHome) { rpc = RPCClient(path: home.rpcSocket) }

    /// A connected stream descriptor (non-blocking) and the local (virtual) address it got.
    func connect(to remote: RPCEndpoint, timeoutSeconds: Int) throws(Errno) -> (OwnedDescriptor, local: RPCEndpoint?) {
        let answer = try call(.tcpConnect(remote: remote, domain: Self.domain(of: remote), options: .init(noDelay: true)),
                              timeoutSeconds: timeoutSeconds)
        try Self.makeNonBlocking(answer.descriptor)
        return (answer.descriptor, answer.reply.local)
    }

    /// A listener (non-blocking) on `local`; a nil address listens on every virtual address, IPv4 and IPv6.
    func listen(on local: RPCEndpoint) throws(Errno) -> (OwnedDescriptor, local: RPCEndpoint) {
        let answer = try call(.tcpListen(local: local, domain: Self.domain(of: local), backlog: 128, listenHost: false, v6Only: false))
        try Self.makeNonBlocking(answer.descriptor)
        return (answer.descriptor, answer.reply.local ?? local)
    }

    /// A datagram socket (non-blocking) on `local` (port 0: an ephemeral one).
    func bindUDP(on local: RPCEndpoint) throws(Errno) -> (OwnedDescriptor, local: RPCEndpoint) {
        let answer = try call(.udpBind(local: local, domain: Self.domain(of: local), v6Only: false))
        try Self.makeNonBlocking(answer.descriptor)
        return (answer.descriptor, answer.reply.local ?? local)
    }

    /// The destinations the node's networks serve.
    func routes() throws(Errno) -> [RPCRoute] {
        do {
            // The host's name servers the node answers for are not destinations of its networks.
            return try rpc.call(.routes, timeoutSeconds: 10).reply.routes.filter { $0.kind != .resolver }
        } catch {
            throw .networkDown
        }
    }

    /// Makes closing `stream` reset the virtual connection (SO_LINGER {1, 0}), as a refused one would be.
    func resetOnClose(_ stream: OwnedDescriptor) {
        var inode: UInt64 = 0
        guard netcon_socket_inode(stream.rawValue, &inode) == 0 else { return }
        _ = try? rpc.call(.setOption(inode: inode, .lingerAbort, value: 1), timeoutSeconds: 5)
    }

    enum Accepted {
        case connection(OwnedDescriptor, RPCAccepted)
        /// Nothing waits now.
        case none
        /// The node closed the listener.
        case closed
    }

    /// The next connection a listener has for us, without blocking (the listener is non-blocking).
    static func accept(from listener: CInt) -> Accepted {
        var header = [UInt8](repeating: 0, count: 256)
        var descriptor: CInt = -1
        let count = netcon_receive_descriptor(listener, &header, header.count, &descriptor)
        if count < 0 { return errno == EAGAIN || errno == EINTR ? .none : .closed }
        if count == 0 { return .closed }
        guard descriptor >= 0 else { return .none }
        let stream = OwnedDescriptor(rawValue: descriptor)
        guard let accepted = try? RPCAccepted(bytes: header[0..<count]), (try? makeNonBlocking(stream)) != nil else { return .none }
        return .connection(stream, accepted)
    }

    private func call(_ request: RPCRequest, timeoutSeconds: Int = 30) throws(Errno) -> (reply: RPCReply, descriptor: OwnedDescriptor) {
        let answer: RPCClient.Answer
        do {
            answer = try rpc.call(request, timeoutSeconds: timeoutSeconds)
        } catch {
            // No node answers on the RPC socket (or not in time): as a network that is down.
            throw .networkDown
        }
        guard answer.reply.error == 0, let descriptor = answer.descriptor else {
            throw Errno(rawValue: answer.reply.error == 0 ? EIO : answer.reply.error)
        }
        return (answer.reply, descriptor)
    }

    private static func domain(of endpoint: RPCEndpoint) -> RPCDomain {
        if case .v4? = endpoint.address { .inet } else { .inet6 }
    }

    static func makeNonBlocking(_ descriptor: OwnedDescriptor) throws(Errno) {
        let flags = try syscall { fcntl(descriptor.rawValue, F_GETFL) }
        try syscall { fcntl(descriptor.rawValue, F_SETFL, flags | O_NONBLOCK) }
    }
}
