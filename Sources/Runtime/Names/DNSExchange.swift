import CNetconSys
import Glibc
import NetStack
import SystemPackage
import ZeroTier

/// One query in flight to one server; `answer` gets the server's datagram on the bridge thread. `cancel` is
/// idempotent and must be called once the query is done with.
protocol DNSExchange: AnyObject {
    func cancel()
}

/// A query to a server on a virtual network, sent from the node's own stack.
final class OverlayDNSExchange: DNSExchange {
    private let socket: NetStack.UDPSocket

    init(_ query: [UInt8], to server: ZeroTier.IPAddress, loop: EventLoop,
         answer: @escaping @Sendable ([UInt8]) -> Void) throws(NetStackError) {
        let address: NetStack.IPAddress = server.isIPv4 ? .v4(IPv4Address(bytes: server.bytes)!) : .v6(IPv6Address(bytes: server.bytes)!)
        socket = try NetStack.UDPSocket(address: server.isIPv4 ? .v4(.any) : .v6(.any))
        socket.setReceiveHandler { datagram in
            guard datagram.source.address == address, datagram.source.port == 53 else { return }
            let payload = datagram.payload
            loop.execute { answer(payload) }
        }
        do {
            try socket.send(query, to: address, port: 53)
        } catch {
            socket.close()
            throw error
        }
    }

    func cancel() { socket.close() }
}

/// A query to a name server of the host, sent from a connected kernel socket on a random port.
final class HostDNSExchange: DNSExchange {
    private let fd: OwnedDescriptor
    private let loop: EventLoop
    private var isDone = false

    init(_ query: [UInt8], to server: InetEndpoint, loop: EventLoop, answer: @escaping ([UInt8]) -> Void) throws(Errno) {
        let family = server.ip.isIPv4 ? AF_INET : AF_INET6
        let raw = Glibc.socket(family, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { throw Errno(rawValue: errno) }
        fd = OwnedDescriptor(rawValue: raw)
        self.loop = loop
        var (storage, length) = SocketAddress.storage(for: server, dualStack: false)
        let connected = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(raw, $0, length) }
        }
        guard connected == 0, send(raw, query, query.count, netcon_msg_nosignal) == query.count else {
            let error = Errno(rawValue: errno)
            fd.close()
            throw error
        }
        try loop.register(raw, for: .readable) { [unowned self] _ in
            var buffer = [UInt8](repeating: 0, count: 65_535)
            let count = recv(raw, &buffer, buffer.count, CInt(MSG_DONTWAIT))
            guard count > 0, !isDone else { return }
            answer(Array(buffer[0..<count]))
        }
    }

    func cancel() {
        guard !isDone else { return }
        isDone = true
        loop.unregister(fd.rawValue)
        fd.close()
    }
}
