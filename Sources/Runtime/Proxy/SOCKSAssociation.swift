import CNetconSys
import Glibc
import Logging
import NetconRPC
import RelayProtocols
import SystemPackage

/// A SOCKS5 UDP association (RFC 1928 §7), served on its handshake's thread until the client's TCP connection
/// closes: the client's datagrams (SOCKS header, payload) go to their destinations through a virtual UDP socket
/// of the node's (or, with --allow-host, a host one), and what comes back goes to the client with its source in
/// the header. Datagrams from anyone but the client, fragments, and destinations the proxy may not reach are
/// dropped and counted.
struct SOCKSAssociation {
    let control: OwnedDescriptor
    let relay: OwnedDescriptor
    /// Only datagrams from this address are the client's.
    let clientAddress: RPCAddress?
    /// The client's UDP endpoint: as its request named it, else the source of its first datagram.
    var client: RPCEndpoint?
    let dialer: ProxyDialer
    let logger: Logger

    private var virtualSocket: OwnedDescriptor?
    private var hostSockets: [CInt: OwnedDescriptor] = [:]  // by address family
    private var routes: [ProxyDestination: ProxyDialer.Route] = [:]
    private var sent = 0, received = 0, dropped = 0
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536 + 512, alignment: 16)

    static let maximumCachedRoutes = 256

    init(control: OwnedDescriptor, relay: OwnedDescriptor, clientAddress: RPCAddress?, client: RPCEndpoint?, dialer: ProxyDialer, logger: Logger) {
        self.control = control
        self.relay = relay
        self.clientAddress = clientAddress
        self.client = client
        self.dialer = dialer
        self.logger = logger
    }

    mutating func run() {
        defer {
            buffer.deallocate()
            logger.info("UDP association ended", metadata: ["datagrams.out": "\(sent)", "datagrams.in": "\(received)", "dropped": "\(dropped)"])
        }
        while true {
            var fds = [pollfd(fd: control.rawValue, events: Int16(POLLIN), revents: 0), pollfd(fd: relay.rawValue, events: Int16(POLLIN), revents: 0)]
            if let virtualSocket { fds.append(pollfd(fd: virtualSocket.rawValue, events: Int16(POLLIN), revents: 0)) }
            for socket in hostSockets.values { fds.append(pollfd(fd: socket.rawValue, events: Int16(POLLIN), revents: 0)) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { return }
            for entry in fds where entry.revents != 0 {
                switch entry.fd {
                case control.rawValue:
                    // The association lasts as long as this connection; anything the client sends on it is ignored.
                    let count = recv(control.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
                    if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { return }
                case relay.rawValue: fromClient()
                case virtualSocket?.rawValue: fromVirtual()
                default: fromHost(entry.fd)
                }
            }
        }
    }

    private mutating func fromClient() {
        for _ in 0..<64 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(relay.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), $0, &length) }
            }
            guard count >= 0, let source = RPCEndpoint(socketAddress: storage) else { return }
            guard client.map({ $0 == source }) ?? (source.address == clientAddress) else {
                dropped += 1
                continue
            }
            client = source
            let datagram = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            guard let parsed = try? SOCKSDatagram.decode(datagram), parsed.fragment == 0 else {
                dropped += 1
                continue
            }
            guard let route = route(parsed.destination) else {
                dropped += 1
                continue
            }
            let payload = UnsafeRawBufferPointer(rebasing: datagram[parsed.payloadOffset...])
            var delivered = false
            if route.isVirtual {
                if let socket = virtualSocketOpened() { delivered = VirtualDatagrams.send(socket.rawValue, to: route.endpoint, payload) }
            } else if let socket = hostSocket(for: route.endpoint) {
                delivered = (try? HostSockets.withSocketAddress(route.endpoint) { address, length throws(Errno) in
                    sendto(socket.rawValue, payload.baseAddress, payload.count, netcon_msg_nosignal | Int32(MSG_DONTWAIT), address, length)
                }) == payload.count
            }
            if delivered { sent += 1 } else { dropped += 1 }
        }
    }

    private mutating func fromVirtual() {
        guard let socket = virtualSocket else { return }
        for _ in 0..<64 {
            switch VirtualDatagrams.receive(socket.rawValue, into: buffer) {
            case let .datagram(header, range): toClient(from: header.peer, UnsafeRawBufferPointer(rebasing: buffer[range]))
            case .skipped: continue
            case .none: return
            case .closed:
                virtualSocket = nil
                return
            }
        }
    }

    private mutating func fromHost(_ fd: CInt) {
        for _ in 0..<64 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), $0, &length) }
            }
            guard count >= 0, let source = RPCEndpoint(socketAddress: storage) else { return }
            toClient(from: source, UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// A reply, with the header that names its source.
    private mutating func toClient(from source: RPCEndpoint, _ payload: UnsafeRawBufferPointer) {
        guard let client, let address = source.address else { return }
        var header = SOCKSDatagram.header(for: ProxyDestination(host: .address(address), port: source.port))
        let delivered = header.withUnsafeMutableBytes { head in
            var vectors = [iovec(iov_base: head.baseAddress, iov_len: head.count),
                           iovec(iov_base: UnsafeMutableRawPointer(mutating: payload.baseAddress), iov_len: payload.count)]
            return (try? HostSockets.withSocketAddress(client) { target, length throws(Errno) in
                vectors.withUnsafeMutableBufferPointer { vectors in
                    var message = msghdr()
                    message.msg_name = UnsafeMutableRawPointer(mutating: target)
                    message.msg_namelen = length
                    message.msg_iov = vectors.baseAddress
                    message.msg_iovlen = vectors.count
                    return sendmsg(relay.rawValue, &message, netcon_msg_nosignal | Int32(MSG_DONTWAIT))
                }
            }) == head.count + payload.count
        }
        if delivered { received += 1 } else { dropped += 1 }
    }

    /// Names are resolved once per association.
    private mutating func route(_ destination: ProxyDestination) -> ProxyDialer.Route? {
        if let known = routes[destination] { return known }
        guard case .success(let found) = dialer.routes(destination), let first = found.first else {
            logger.info("UDP destination refused", metadata: ["destination": "\(destination)"])
            return nil
        }
        if routes.count >= Self.maximumCachedRoutes { routes.removeAll() }
        routes[destination] = first
        return first
    }

    private mutating func virtualSocketOpened() -> OwnedDescriptor? {
        if virtualSocket == nil { virtualSocket = try? dialer.virtual.bindUDP(on: RPCEndpoint(address: nil, port: 0)).0 }
        return virtualSocket
    }

    private mutating func hostSocket(for destination: RPCEndpoint) -> OwnedDescriptor? {
        guard let family = destination.address?.family else { return nil }
        if let existing = hostSockets[family] { return existing }
        let any: RPCAddress = family == AF_INET ? .v4([0, 0, 0, 0]) : .v6([UInt8](repeating: 0, count: 16), scope: 0)
        guard let socket = try? HostSockets.bindUDP(on: RPCEndpoint(address: any, port: 0)) else { return nil }
        hostSockets[family] = socket
        return socket
    }
}
