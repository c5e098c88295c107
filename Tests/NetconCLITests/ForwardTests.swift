import CNetconSys
import Foundation
import Glibc
import NetconRPC
import Testing

/// The relays for the host, one world at a time (the machine runs the other suites' worlds meanwhile).
@Suite(.serialized) struct RelayTests {}

/// `netcon forward` between real processes: m1 forwards, m2's node is the member on the other side (driven through
/// its RPC, as a program under exec would be), and host services and clients are kernel sockets, socat and curl.
extension RelayTests {
    @Suite(.serialized) struct ForwardTests {
        /// Accepts TCP connections on 127.0.0.1; for each: an optional PROXY v2 header, then the pattern to end of
        /// file, then an answer saying how much came and how much differed, then close.
        final class PatternService: @unchecked Sendable {
            let socket: LoopbackSocket
            private let lock = NSLock()
            private var seen: [(header: [UInt8], peerPort: UInt16)] = []

            var port: UInt16 { socket.port }
            var connections: [(header: [UInt8], peerPort: UInt16)] { lock.withLock { seen } }

            init(headerBytes: Int) throws {
                socket = try LoopbackSocket(type: Int32(SOCK_STREAM.rawValue))
                let listener = socket.fd
                Thread { [self] in
                    while true {
                        var address = sockaddr_in()
                        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                        let fd = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &length) } }
                        if fd < 0 { return }
                        setReceiveTimeout(fd, seconds: 20)
                        var header = [UInt8](repeating: 0, count: headerBytes)
                        if headerBytes > 0 { _ = recv(fd, &header, headerBytes, Int32(MSG_WAITALL)) }
                        lock.withLock { seen.append((header, UInt16(bigEndian: address.sin_port))) }
                        let (received, mismatches) = StackTransferTests.readPattern(fd)
                        _ = writeAll(fd, Array("received \(received) mismatches \(mismatches)".utf8))
                        close(fd)
                    }
                }.start()
            }
        }

        /// A datagram service on m2's virtual network (through its RPC): answers each datagram with where it came from.
        static func virtualUDPService(_ rpc: RPCClient, port: UInt16) throws -> CInt {
            let bound = try rpc.call(.udpBind(local: RPCEndpoint(address: nil, port: port), domain: .inet, v6Only: false))
            let fd = try #require(bound.descriptor)
            Thread {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = recv(fd, &buffer, buffer.count, 0)
                    if count <= 0 { return }
                    guard let header = try? buffer.withUnsafeBytes({ try RPCDatagramHeader(prefixOf: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }) else { continue }
                    let answer = RPCDatagramHeader(peer: header.peer).bytes
                        + Array("\(header.peer) said ".utf8) + buffer[RPCDatagramHeader.size..<count]
                    _ = send(fd, answer, answer.count, 0)
                }
            }.start()
            return fd
        }

        @Test func tcpAndUDPBothWaysWithHalfCloseSessionsAndClosedPorts() throws {
            let (world, addresses) = try StackTransferTests.configuredWorld()
            let m1v4 = try #require(addresses["m1"]?.first { $0.contains(".") })
            let m2v4 = try #require(addresses["m2"]?.first { $0.contains(".") })
            let m2 = RPCClient(path: world.home("m2").path + "/rpc.sock")

            // Host services for expose: the pattern service, a UDP echo, and ports where nothing listens.
            let service = try PatternService(headerBytes: 28)
            let echo = try LoopbackSocket(type: Int32(SOCK_DGRAM.rawValue))
            let echoSources = NSLockedArray()
            Thread { [weak echo] in
                while let echo {
                    guard let (bytes, port) = echo.receive() else {
                        if errno == EAGAIN { continue }
                        return
                    }
                    echoSources.append(port)
                    _ = echo.send(Array("echo ".utf8) + bytes, toPort: port)
                }
            }.start()
            let closedTCP = try freeTCPPort(), closedUDP = try freeUDPPort()
            // Virtual services on m2 for publish: a TCP one that answers with the pattern check, a UDP one.
            let listen = try m2.call(.tcpListen(local: RPCEndpoint(address: nil, port: 9000), domain: .inet6, backlog: 8, listenHost: false, v6Only: false))
            let m2Listener = try #require(listen.descriptor)
            defer { close(m2Listener) }
            let virtualUDP = try Self.virtualUDPService(m2, port: 9001)
            defer { close(virtualUDP) }
            let publishTCP = try freeTCPPort(), publishClosed = try freeTCPPort(), publishUDP = try freeUDPPort()

            let forward = try NetconProcess.start([
                "forward", "--home", world.home("m1").path, "--proxy-protocol",
                "--expose", "tcp:8080=127.0.0.1:\(service.port)", "--expose", "tcp:8081=127.0.0.1:\(closedTCP)",
                "--expose", "udp:5353=127.0.0.1:\(echo.port)", "--expose", "udp:5354=127.0.0.1:\(closedUDP)",
                "--publish", "tcp:\(publishTCP)=\(m2v4):9000", "--publish", "tcp:127.0.0.1:\(publishClosed)=\(m2v4):9999",
                "--publish", "udp:\(publishUDP)=\(m2v4):9001",
            ])
            try forward.waitForLine("ready")
            #expect(forward.stdoutSoFar.contains("expose tcp:8080=127.0.0.1:\(service.port) proxy-protocol: members connect to \(m1v4):8080"))
            #expect(forward.stdoutSoFar.contains("publish tcp:127.0.0.1:\(publishTCP)=\(m2v4):9000: host programs connect to 127.0.0.1:\(publishTCP)"))

            // expose tcp: m2 sends 1 MiB and half-closes; the host service reads it all, then answers over the other half.
            let connect = try m2.call(.tcpConnect(remote: RPCEndpoint(address: RPCAddress(text: m1v4), port: 8080), domain: .inet, options: .init()))
            let client = try #require(connect.descriptor, "errno \(connect.reply.error)")
            defer { close(client) }
            setReceiveTimeout(client, seconds: 30)
            let total = 1 << 20
            StackTransferTests.writePattern(client, total: total)
            #expect(String(decoding: readAll(client), as: UTF8.self) == "received \(total) mismatches 0")
            // The service saw the relay's host address, and first the member's virtual address and port in the header.
            let seen = try #require(service.connections.first)
            let m2Port = try #require(connect.reply.local?.port)
            let proxyHeader: [UInt8] = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0x00, 0x0c]
                + RPCAddress(text: m2v4)!.bytes + RPCAddress(text: m1v4)!.bytes + [UInt8(m2Port >> 8), UInt8(m2Port & 0xff), 0x1f, 0x90]
            #expect(seen.header == proxyHeader)

            // expose tcp to a closed host port: the member's connection is reset at once, not left hanging.
            let refused = try m2.call(.tcpConnect(remote: RPCEndpoint(address: RPCAddress(text: m1v4), port: 8081), domain: .inet, options: .init()))
            let refusedFD = try #require(refused.descriptor)
            setReceiveTimeout(refusedFD, seconds: 15)
            var byte: UInt8 = 0
            let ended = read(refusedFD, &byte, 1)
            #expect(ended == 0 || (ended < 0 && errno == ECONNRESET), "read \(ended), errno \(errno) (EAGAIN: it hung)")
            close(refusedFD)

            // publish tcp: socat sends 256 KiB to the host port and half-closes; m2's service sees m1's virtual address.
            let server = Thread {
                var header = [UInt8](repeating: 0, count: 256)
                var accepted: CInt = -1
                setReceiveTimeout(m2Listener, seconds: 30)
                let count = netcon_receive_descriptor(m2Listener, &header, header.count, &accepted)
                guard count > 0, accepted >= 0, let remote = try? RPCAccepted(bytes: header[0..<count]).remote else { return }
                setReceiveTimeout(accepted, seconds: 30)
                let (received, mismatches) = StackTransferTests.readPattern(accepted)
                _ = writeAll(accepted, Array("\(remote.address!) sent \(received) mismatches \(mismatches)".utf8))
                close(accepted)
            }
            server.start()
            let payload = Data((0..<(256 << 10)).map(StackTransferTests.pattern))
            let socat = try HostProgram.run("socat", ["-t", "30", "-", "TCP:127.0.0.1:\(publishTCP)"], input: payload)
            #expect(socat.status == 0, "\(socat.stderr)")
            #expect(socat.stdout == "\(m1v4) sent \(256 << 10) mismatches 0")

            // publish tcp to a closed virtual port: the host client's connection is reset.
            let closedClient = try #require(LoopbackSocket.connect(toPort: publishClosed))
            let closedRead = read(closedClient, &byte, 1)
            #expect(closedRead == 0 || (closedRead < 0 && errno == ECONNRESET), "read \(closedRead), errno \(errno)")
            close(closedClient)

            // expose udp: two members' sockets, each its own session (two host ports at the echo), each its own answer.
            var answers: [String] = []
            for name in ["first", "second"] {
                let bound = try m2.call(.udpBind(local: RPCEndpoint(address: nil, port: 0), domain: .inet, v6Only: false))
                let fd = try #require(bound.descriptor)
                defer { close(fd) }
                setReceiveTimeout(fd, seconds: 3)
                for attempt in 0..<5 {
                    let datagram = RPCDatagramHeader(peer: RPCEndpoint(address: RPCAddress(text: m1v4), port: 5353)).bytes + Array("\(name) \(attempt)".utf8)
                    _ = send(fd, datagram, datagram.count, 0)
                    var incoming = [UInt8](repeating: 0, count: 2048)
                    let count = recv(fd, &incoming, incoming.count, 0)
                    guard count > RPCDatagramHeader.size else { continue }
                    let from = try incoming.withUnsafeBytes { try RPCDatagramHeader(prefixOf: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                    #expect(from.peer == RPCEndpoint(address: RPCAddress(text: m1v4), port: 5353))
                    answers.append(String(decoding: incoming[RPCDatagramHeader.size..<count], as: UTF8.self))
                    break
                }
            }
            #expect(answers.count == 2 && answers[0].hasPrefix("echo first ") && answers[1].hasPrefix("echo second "), "\(answers)")
            #expect(Set(echoSources.values).count == 2, "sessions seen by the echo: \(echoSources.values)")

            // expose udp to a closed host port: dropped, and said so.
            let lone = try m2.call(.udpBind(local: RPCEndpoint(address: nil, port: 0), domain: .inet, v6Only: false))
            let loneFD = try #require(lone.descriptor)
            defer { close(loneFD) }
            try world.waitUntil("the refused datagram logged", timeout: 15) {
                let datagram = RPCDatagramHeader(peer: RPCEndpoint(address: RPCAddress(text: m1v4), port: 5354)).bytes + Array("anyone?".utf8)
                _ = send(loneFD, datagram, datagram.count, 0)
                return forward.stderrSoFar.contains("UDP datagram dropped")
            }

            // publish udp: two host sockets; m2's service sees m1's virtual address, a port per session.
            var sources: [String] = []
            for name in ["alpha", "beta"] {
                let socket = try LoopbackSocket(type: Int32(SOCK_DGRAM.rawValue))
                setReceiveTimeout(socket.fd, seconds: 3)
                for _ in 0..<5 {
                    _ = socket.send(Array(name.utf8), toPort: publishUDP)
                    guard let (reply, port) = socket.receive() else { continue }
                    #expect(port == publishUDP)
                    let text = String(decoding: reply, as: UTF8.self)
                    #expect(text.hasPrefix("\(m1v4):") && text.hasSuffix(" said \(name)"), "\(text)")
                    sources.append(String(text.split(separator: " ")[0]))
                    break
                }
            }
            #expect(sources.count == 2 && Set(sources).count == 2, "\(sources)")

            forward.signal(SIGTERM)
            let stopped = try forward.wait(timeout: 20)
            #expect(stopped.status == 0, "\(stopped.stderr)")
            // Each member connection is logged with the member's address.
            #expect(stopped.stderr.contains("client=\(m2v4):\(m2Port)"), "\(stopped.stderr)")
            #expect(stopped.stderr.contains("cannot reach the target"))
        }

        @Test func theDaemonForwardsItsHomesRulesAndABadRuleNeverStopsIt() throws {
            let service = try PatternService(headerBytes: 0)
            // A host port some other program holds: that rule cannot start until it is free again.
            var busy: LoopbackSocket? = try LoopbackSocket(type: Int32(SOCK_STREAM.rawValue))
            let busyPort = try #require(busy?.port)
            let (world, addresses) = try StackTransferTests.configuredWorld { world in
                try """
                    # m1's forwards
                    expose tcp:8090=127.0.0.1:\(service.port)
                    --publish tcp:\(busyPort)=192.0.2.1:9000   # held by another program at first
                    """.write(toFile: world.home("m1").path + "/forwards.conf", atomically: true, encoding: .utf8)
            }
            let m1v4 = try #require(addresses["m1"]?.first { $0.contains(".") })
            let m2v4 = try #require(addresses["m2"]?.first { $0.contains(".") })
            let m2 = RPCClient(path: world.home("m2").path + "/rpc.sock")

            // The expose rule serves from the daemon's start.
            let connect = try m2.call(.tcpConnect(remote: RPCEndpoint(address: RPCAddress(text: m1v4), port: 8090), domain: .inet, options: .init()))
            let fd = try #require(connect.descriptor, "errno \(connect.reply.error)")
            defer { close(fd) }
            setReceiveTimeout(fd, seconds: 20)
            StackTransferTests.writePattern(fd, total: 128 << 10)
            #expect(String(decoding: readAll(fd), as: UTF8.self) == "received \(128 << 10) mismatches 0")
            let daemon = try #require(world.daemons["m1"])
            #expect(daemon.stderrSoFar.contains("a forward cannot start"), "\(daemon.stderrSoFar)")
            #expect(daemon.stderrSoFar.contains("client=\(m2v4):"))

            // The port comes free: the rule starts on one of its retries, the daemon having served on meanwhile. Its target
            // is on no network of the node (refused at once, nothing sent): the host client's connection is reset.
            busy = nil
            try world.waitUntil("the held rule starts", timeout: 20) { daemon.stderrSoFar.contains("listening=127.0.0.1:\(busyPort)") }
            let client = try #require(LoopbackSocket.connect(toPort: busyPort))
            var byte: UInt8 = 0
            let ended = read(client, &byte, 1)
            #expect(ended == 0 || (ended < 0 && errno == ECONNRESET), "read \(ended), errno \(errno)")
            close(client)

            // A malformed file stops a daemon at its start, saying where; a command that needs networks says there are none.
            let broken = try TemporaryHome()
            try "expose tcp:8090=127.0.0.1:80\npublish tcp:8091\n".write(toFile: broken.path + "/forwards.conf", atomically: true, encoding: .utf8)
            let refused = try NetconProcess.run(["run", "--home", broken.path, "--port", "0"], timeout: 20)
            #expect(refused.status == 78)
            #expect(refused.stderr.contains("\(broken.path)/forwards.conf: line 2: 'tcp:8091' is not tcp:[ADDRESS:]PORT=ADDRESS:PORT"), "\(refused.stderr)")
            let rootless = try NetconProcess.run(["forward", "--home", world.home("root").path, "--expose", "tcp:80=127.0.0.1:80"], timeout: 20)
            #expect(rootless.status == 63)
            #expect(rootless.stderr.contains("has joined no network"))
        }
    }
}

/// Values appended from another thread.
final class NSLockedArray: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [UInt16] = []
    func append(_ value: UInt16) { lock.withLock { items.append(value) } }
    var values: [UInt16] { lock.withLock { items } }
}
