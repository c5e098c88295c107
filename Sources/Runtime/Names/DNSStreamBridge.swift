import CNetconSys
import Glibc
import NetconRPC
import SystemPackage

/// A program's TCP connection to a host name server's port 53 (dig +tcp, or a resolver retrying a truncated
/// answer): its length-prefixed queries (RFC 1035 4.2.2) go to the node's resolver, the answers back in the order
/// they come. The connection ends when the program closes it.
final class DNSStreamBridge: VirtualSocket {
    let inode: UInt64
    private let domain: RPCDomain
    private let remote: RPCEndpoint
    private let fd: OwnedDescriptor
    private let loop: EventLoop
    private let resolver: ResolverStub
    private let isolated: Bool
    private let onFinished: (UInt64, Int32) -> Void
    private var received: [UInt8] = []
    private var unsent: [UInt8] = []
    private var isGone = false

    /// A query is at most 64 KiB; a program that sends more than a few queries' worth unread is not a resolver.
    static let maxBuffered = 4 * 65_537

    init(pair: SocketPair, domain: RPCDomain, remote: RPCEndpoint, isolated: Bool, loop: EventLoop, resolver: ResolverStub,
         onFinished: @escaping (UInt64, Int32) -> Void) {
        inode = pair.inode
        fd = pair.node
        self.domain = domain
        self.remote = remote
        self.isolated = isolated
        self.loop = loop
        self.resolver = resolver
        self.onFinished = onFinished
    }

    func start() throws(Errno) {
        try loop.register(fd.rawValue, for: .readable) { [unowned self] events in
            if events.rawValue & EventLoop.Events.writable.rawValue != 0 { flush() }
            if events.rawValue & EventLoop.Events.readable.rawValue != 0 || events.rawValue & EPOLLHUP.rawValue != 0 { readQueries() }
        }
    }

    private func readQueries() {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while !isGone {
            let count = recv(fd.rawValue, &buffer, buffer.count, CInt(MSG_DONTWAIT))
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { break }
                return finish()
            }
            if count == 0 { return finish() }
            received += buffer[0..<count]
            guard received.count <= Self.maxBuffered else { return finish() }
        }
        while received.count >= 2 {
            let length = Int(received[0]) << 8 | Int(received[1])
            guard received.count >= 2 + length else { break }
            let query = Array(received[2..<2 + length])
            received.removeFirst(2 + length)
            resolver.resolve(query, sentTo: remote, isolated: isolated) { [weak self] answer in self?.send(answer) }
        }
    }

    private func send(_ answer: [UInt8]) {
        guard !isGone, answer.count <= 65_535 else { return }
        unsent += [UInt8(answer.count >> 8), UInt8(answer.count & 0xff)] + answer
        flush()
    }

    private func flush() {
        while !unsent.isEmpty, !isGone {
            let count = unsent.withUnsafeBytes { Glibc.send(fd.rawValue, $0.baseAddress, $0.count, netcon_msg_nosignal | CInt(MSG_DONTWAIT)) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN { return finish() }
                break
            }
            unsent.removeFirst(count)
        }
        guard !isGone else { return }
        try? loop.modify(fd.rawValue, for: unsent.isEmpty ? .readable : [.readable, .writable])
    }

    private func finish() {
        guard !isGone else { return }
        close()
        onFinished(inode, 0)
    }

    var description: RPCReply {
        RPCReply(operation: RPCRequest.describe(inode: inode).operation, kind: .tcpConnection, domain: domain, inode: inode,
                 local: RPCEndpoint(address: nil, port: 0), remote: remote)
    }

    func describe(_ reply: @escaping (RPCReply) -> Void) { reply(description) }

    func close() {
        guard !isGone else { return }
        isGone = true
        loop.unregister(fd.rawValue)
        fd.close()
    }
}
