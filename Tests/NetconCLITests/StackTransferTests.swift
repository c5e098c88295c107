import CNetconSys
import Foundation
import Glibc
import NetconRPC
import Testing

/// Two daemons' user-space stacks talk TCP and UDP over the ZeroTier underlay on 127.0.0.1, driven through
/// the RPC the intercept library uses (the program's side of each virtual socket is a plain descriptor here).
@Suite(.serialized) struct StackTransferTests {
    /// A private network with both members authorized and configured; returns its addresses per member.
    /// Root (and with `twoRoots` a second one, "root2"), two members, and a network of `controller`'s that both
    /// members joined; returns the members' virtual addresses.
    /// `prepare` runs before any daemon starts (files to put in the homes).
    static func configuredWorld(memberEnvironment: [String: String] = [:], twoRoots: Bool = false,
                                controller: String = "root", umask: String? = nil,
                                prepare: (WorldTests.World) throws -> Void = { _ in }) throws -> (WorldTests.World, [String: [String]]) {
        let world = try WorldTests.World(members: ["m1", "m2"], twoRoots: twoRoots)
        world.umask = umask
        try prepare(world)
        try world.start("root")
        if twoRoots { try world.start("root2") }
        try world.start("m1", environment: memberEnvironment)
        try world.start("m2", environment: memberEnvironment)
        let root = world.home(controller).path
        let created = try NetconProcess.run(["network", "create", "--home", root, "--name", "transfer", "--pool", "10.6.0.0/24", "--rfc4193"])
        let network = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var addresses: [String: [String]] = [:]
        for name in ["m1", "m2"] {
            #expect(try NetconProcess.run(["member", "authorize", network, world.addresses[name]!, "--home", root]).status == 0)
            let joined = try NetconProcess.run(["join", network, "--home", world.home(name).path, "--timeout", "20"])
            guard joined.status == 0 else { throw TestFailure("\(name) could not join: \(joined.stderr)") }
            let status = try #require(try WorldTests().network(world, name, network))
            addresses[name] = status.assignedAddresses.map { String($0.split(separator: "/")[0]) }
        }
        return (world, addresses)
    }

    static func pattern(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: index ^ (index >> 8) ^ (index >> 17)) }

    /// Writes `total` bytes of the pattern to `fd`, then shuts its sending side down.
    static func writePattern(_ fd: CInt, total: Int) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var sent = 0
        while sent < total {
            for index in 0..<chunk.count { chunk[index] = pattern(sent + index) }
            guard writeAll(fd, chunk) else { return }
            sent += chunk.count
        }
        shutdown(fd, CInt(SHUT_WR))
    }

    /// Reads `fd` to its end; how many bytes came and how many differ from the pattern.
    static func readPattern(_ fd: CInt) -> (received: Int, mismatches: Int) {
        var received = 0, mismatches = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            for index in 0..<count where buffer[index] != pattern(received + index) { mismatches += 1 }
            received += count
        }
        return (received, mismatches)
    }

    @Test func tcpCarries64MiBByteExactBothWaysWithHalfCloseAndUDPKeepsSourceAddresses() throws {
        let (world, addresses) = try Self.configuredWorld()
        let m1 = RPCClient(path: world.home("m1").path + "/rpc.sock")
        let m2 = RPCClient(path: world.home("m2").path + "/rpc.sock")
        let m1v4 = try #require(addresses["m1"]?.first { $0.contains(".") })
        let m2v4 = try #require(addresses["m2"]?.first { $0.contains(".") })
        let m2v6 = try #require(addresses["m2"]?.first { $0.contains(":") })

        var info = stat()
        #expect(stat(m1.path, &info) == 0 && info.st_mode & 0o777 == 0o600)

        // Garbage on the RPC socket gets the connection closed, nothing else: the node keeps serving.
        for garbage in [[UInt8](repeating: 0xff, count: 56), [1, 2, 3], RPCRequest.routes.bytes + [0]] {
            let fd = netcon_unix_connect_type(m1.path, CInt(SOCK_SEQPACKET.rawValue))
            #expect(fd >= 0)
            setReceiveTimeout(fd, seconds: 5)
            #expect(send(fd, garbage, garbage.count, 0) == garbage.count)
            var answer = [UInt8](repeating: 0, count: 2048)
            #expect(recv(fd, &answer, answer.count, 0) == 0)
            close(fd)
        }

        // ROUTES: the node's own addresses, the host's name servers (the node's resolver answers there) and the network's prefixes.
        let routes = try m1.call(.routes).reply.routes
        #expect(routes.contains { $0.kind == .own && $0.network == RPCAddress(text: m1v4) && $0.prefixLength == 32 })
        #expect(routes.contains { $0.kind == .prefix && $0.network == RPCAddress(text: "10.6.0.0") && $0.prefixLength == 24 })
        #expect(routes.contains { $0.kind == .resolver && ($0.prefixLength == 32 || $0.prefixLength == 128) })

        // A wildcard IPv6 listener on m2 takes IPv4 too.
        let listen = try m2.call(.tcpListen(local: RPCEndpoint(address: nil, port: 7000), domain: .inet6, backlog: 16,
                                            listenHost: false, v6Only: false))
        #expect(listen.reply.error == 0 && listen.reply.kind == .tcpListener && listen.reply.local?.port == 7000)
        let listener = try #require(listen.descriptor)
        defer { close(listener) }
        setReceiveTimeout(listener, seconds: 20)

        let connect = try m1.call(.tcpConnect(remote: RPCEndpoint(address: RPCAddress(text: m2v4), port: 7000), domain: .inet,
                                              options: .init()))
        #expect(connect.reply.error == 0 && connect.reply.kind == .tcpConnection)
        #expect(connect.reply.local?.address == RPCAddress(text: m1v4))
        let client = try #require(connect.descriptor)
        defer { close(client) }

        var header = [UInt8](repeating: 0, count: 256)
        var accepted: CInt = -1
        let count = netcon_receive_descriptor(listener, &header, header.count, &accepted)
        #expect(count == RPCAccepted(remote: RPCEndpoint(address: nil, port: 0), local: RPCEndpoint(address: nil, port: 0)).bytes.count && accepted >= 0)
        let acceptedHeader = try RPCAccepted(bytes: header[0..<count])
        #expect(acceptedHeader.remote.address == RPCAddress(text: m1v4))
        #expect(acceptedHeader.remote.port == connect.reply.local?.port)
        #expect(acceptedHeader.local == RPCEndpoint(address: RPCAddress(text: m2v4), port: 7000))
        defer { close(accepted) }
        setReceiveTimeout(accepted, seconds: 30)
        setReceiveTimeout(client, seconds: 30)

        // 64 MiB m1 → m2, checked byte by byte against the pattern, then a half-close and an answer back.
        let total = 64 << 20
        let writer = Thread { Self.writePattern(client, total: total) }
        writer.start()
        let (received, mismatches) = Self.readPattern(accepted)
        #expect(received == total)
        #expect(mismatches == 0)
        #expect(writeAll(accepted, Array("received \(received)".utf8)))
        shutdown(accepted, CInt(SHUT_WR))
        #expect(String(decoding: readAll(client), as: UTF8.self) == "received \(total)")

        // IPv6 between the rfc4193 addresses.
        let connect6 = try m1.call(.tcpConnect(remote: RPCEndpoint(address: RPCAddress(text: m2v6), port: 7000), domain: .inet6,
                                               options: .init()))
        #expect(connect6.reply.error == 0)
        let client6 = try #require(connect6.descriptor)
        defer { close(client6) }
        var accepted6: CInt = -1
        let count6 = netcon_receive_descriptor(listener, &header, header.count, &accepted6)
        #expect(count6 > 0 && accepted6 >= 0)
        #expect(try RPCAccepted(bytes: header[0..<count6]).remote.address?.family == AF_INET6)
        #expect(writeAll(client6, Array("over v6".utf8)))
        shutdown(client6, CInt(SHUT_WR))
        setReceiveTimeout(accepted6, seconds: 10)
        #expect(String(decoding: readAll(accepted6), as: UTF8.self) == "over v6")
        close(accepted6)

        // Nothing listens: refused, blocking at once, non-blocking through DESCRIBE (SO_ERROR).
        let refused = try m1.call(.tcpConnect(remote: RPCEndpoint(address: RPCAddress(text: m2v4), port: 7001), domain: .inet,
                                              options: .init()))
        #expect(refused.reply.error == ECONNREFUSED && refused.descriptor == nil)
        let pending = try m1.call(.tcpConnect(remote: RPCEndpoint(address: RPCAddress(text: m2v4), port: 7001), domain: .inet,
                                              options: .init(nonBlocking: true)))
        #expect(pending.reply.error == 0 && pending.reply.connecting)
        let pendingFD = try #require(pending.descriptor)
        #expect(try m1.call(.describe(inode: pending.reply.inode)).reply.error == ECONNREFUSED)
        close(pendingFD)
        // Outside every network: unreachable.
        let outside = try m1.call(.tcpConnect(remote: RPCEndpoint(address: RPCAddress(text: "192.0.2.1"), port: 80), domain: .inet,
                                              options: .init()))
        #expect(outside.reply.error == ENETUNREACH)

        // UDP: datagrams arrive with the sender's virtual address and port, both ways.
        let server = try m2.call(.udpBind(local: RPCEndpoint(address: nil, port: 7002), domain: .inet, v6Only: false))
        let serverFD = try #require(server.descriptor)
        defer { close(serverFD) }
        let clientUDP = try m1.call(.udpBind(local: RPCEndpoint(address: nil, port: 0), domain: .inet, v6Only: false))
        let clientFD = try #require(clientUDP.descriptor)
        defer { close(clientFD) }
        let clientPort = try #require(clientUDP.reply.local?.port)
        #expect(clientPort != 0)
        setReceiveTimeout(serverFD, seconds: 5)
        setReceiveTimeout(clientFD, seconds: 5)
        var answered: [UInt8]?
        for attempt in 0..<5 where answered == nil {  // the first datagram may wait for ARP
            let datagram = RPCDatagramHeader(peer: RPCEndpoint(address: RPCAddress(text: m2v4), port: 7002)).bytes + Array("ping \(attempt)".utf8)
            #expect(send(clientFD, datagram, datagram.count, 0) == datagram.count)
            var incoming = [UInt8](repeating: 0, count: 2048)
            let size = recv(serverFD, &incoming, incoming.count, 0)
            guard size > RPCDatagramHeader.size else { continue }
            let source = try incoming.withUnsafeBytes { try RPCDatagramHeader(prefixOf: UnsafeRawBufferPointer(rebasing: $0[0..<size])) }
            #expect(source.peer == RPCEndpoint(address: RPCAddress(text: m1v4), port: clientPort))
            #expect(Array(incoming[RPCDatagramHeader.size..<size]) == Array("ping \(attempt)".utf8))
            let reply = RPCDatagramHeader(peer: source.peer).bytes + Array("pong".utf8)
            #expect(send(serverFD, reply, reply.count, 0) == reply.count)
            let back = recv(clientFD, &incoming, incoming.count, 0)
            guard back > RPCDatagramHeader.size else { continue }
            let from = try incoming.withUnsafeBytes { try RPCDatagramHeader(prefixOf: UnsafeRawBufferPointer(rebasing: $0[0..<back])) }
            #expect(from.peer == RPCEndpoint(address: RPCAddress(text: m2v4), port: 7002))
            answered = Array(incoming[RPCDatagramHeader.size..<back])
        }
        #expect(answered == Array("pong".utf8))
    }
}
