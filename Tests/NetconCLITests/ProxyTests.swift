import CNetconSys
import Foundation
import Glibc
import NetconRPC
import Testing

/// `netcon proxy` on m1 with real clients on the host (curl, wget, git, a python3 SOCKS5 UDP client) reaching a
/// python3 http.server that runs under `netcon exec` on m2; and raw bytes for every refusal.
extension RelayTests {
    @Suite(.serialized) struct ProxyTests {
        /// Sends `bytes` to 127.0.0.1:`port` (then half-closes when `close`), returns everything that comes back.
        static func exchange(_ port: UInt16, _ bytes: [UInt8], halfClose: Bool = false) throws -> [UInt8] {
            let fd = try #require(LoopbackSocket.connect(toPort: port))
            defer { close(fd) }
            #expect(writeAll(fd, bytes))
            if halfClose { shutdown(fd, CInt(SHUT_WR)) }
            return readAll(fd)
        }

        /// A SOCKS5 request without authentication; the reply's code (nil when the proxy closed without one).
        static func socksReplyCode(_ port: UInt16, _ request: [UInt8]) throws -> UInt8? {
            let answer = try exchange(port, [5, 1, 0] + request)
            guard answer.count >= 4, Array(answer[0..<2]) == [5, 0], answer[2] == 5 else { return nil }
            return answer[3]
        }

        static func ipv4Request(_ command: UInt8, _ address: String, _ port: UInt16) -> [UInt8] {
            [5, command, 0, 1] + RPCAddress(text: address)!.bytes + [UInt8(port >> 8), UInt8(port & 0xff)]
        }

        static func networkID(_ world: WorldTests.World) throws -> String? {
            let status = try NetconProcess.run(["status", "--home", world.home("m1").path, "--json"])
            return try JSONDecoder().decode(WorldTests.NetworkStatusJSON.self, from: Data(status.stdout.utf8)).networks.first?.id
        }

        static func statusLine(_ bytes: [UInt8]) -> String {
            String(String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").first ?? "")
        }

        @Test func socksAndHTTPProxiesReachTheVirtualNetworkAndRefuseWhatTheyMust() throws {
            let (world, addresses) = try StackTransferTests.configuredWorld()
            let m1v4 = try #require(addresses["m1"]?.first { $0.contains(".") })
            let m2v4 = try #require(addresses["m2"]?.first { $0.contains(".") })
            let m1 = world.home("m1").path, m2 = world.home("m2").path

            // m2 serves a directory over HTTP under netcon exec: a file and a bare git repository (dumb HTTP).
            let site = m2 + "-site"
            try FileManager.default.createDirectory(atPath: site + "/work", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: site) }
            let file = Data((0..<(300 << 10)).map(StackTransferTests.pattern))
            try file.write(to: URL(fileURLWithPath: site + "/file.bin"))
            let git = ["-c", "user.name=netcon", "-c", "user.email=netcon@example.invalid", "-c", "init.defaultBranch=main"]
            try "relayed by netcon\n".write(toFile: site + "/work/README", atomically: true, encoding: .utf8)
            for arguments in [["init", "-q", site + "/work"], ["-C", site + "/work", "add", "README"], ["-C", site + "/work", "commit", "-q", "-m", "first"],
                              ["clone", "-q", "--bare", site + "/work", site + "/repo.git"], ["-C", site + "/repo.git", "update-server-info"]] {
                let result = try HostProgram.run("git", git + arguments)
                #expect(result.status == 0, "git \(arguments): \(result.stderr)")
            }
            let server = try NetconProcess.start(["exec", "--home", m2, "--", "python3", "-u", "-m", "http.server", "8000", "--directory", site])
            defer { server.signal(SIGTERM); _ = try? server.wait(timeout: 10) }
            try world.waitUntil("the web server", timeout: 30) { server.stdoutSoFar.contains("Serving HTTP") }
            // And a UDP service on m2 that answers with its client's address.
            let udpService = try RelayTests.ForwardTests.virtualUDPService(RPCClient(path: m2 + "/rpc.sock"), port: 9001)
            defer { close(udpService) }

            let socks = try freeTCPPort(), http = try freeTCPPort()
            let proxy = try NetconProcess.start(["proxy", "--home", m1, "--socks5", "\(socks)", "--http", "127.0.0.1:\(http)", "--handshake-timeout", "2"])
            defer { proxy.signal(SIGTERM); _ = try? proxy.wait(timeout: 10) }
            try proxy.waitForLine("ready")
            #expect(proxy.stdoutSoFar.contains("SOCKS5 proxy on 127.0.0.1:\(socks) (virtual networks only)"))

            // Real clients, every byte compared.
            let url = "http://\(m2v4):8000/file.bin"
            for (name, arguments, environment) in [
                ("curl --socks5", ["curl", "-sS", "--max-time", "30", "--socks5", "127.0.0.1:\(socks)", "-o", "-", url], [String: String]()),
                ("curl --proxy", ["curl", "-sS", "--max-time", "30", "--proxy", "http://127.0.0.1:\(http)", "-o", "-", url], [:]),
                ("curl -p (CONNECT)", ["curl", "-sS", "--max-time", "30", "-p", "--proxy", "http://127.0.0.1:\(http)", "-o", "-", url], [:]),
                ("wget", ["wget", "-q", "-T", "30", "-O", "-", url], ["http_proxy": "http://127.0.0.1:\(http)"]),
            ] {
                let output = site + "/fetched"
                let result = try HostProgram.run("sh", ["-c", "\"$@\" > \(output)", "sh"] + arguments, environment: environment)
                #expect(result.status == 0, "\(name): \(result.stderr)")
                #expect(FileManager.default.contents(atPath: output) == file, "\(name) fetched other bytes")
            }
            let clone = site + "/clone"
            let cloned = try HostProgram.run("git", ["clone", "-q", "http://\(m2v4):8000/repo.git", clone],
                                             environment: ["http_proxy": "http://127.0.0.1:\(http)", "GIT_TERMINAL_PROMPT": "0"])
            #expect(cloned.status == 0, "git clone: \(cloned.stderr)")
            #expect(try String(contentsOfFile: clone + "/README", encoding: .utf8) == "relayed by netcon\n")

            // Names through the node's resolver: the controller answers the network's names, the proxy resolves them.
            let networkID = try #require(try Self.networkID(world))
            let root = world.home("root").path
            #expect(try NetconProcess.run(["network", "set-dns", networkID, "--domain", "proxy.example", "--self", "--home", root]).status == 0)
            #expect(try NetconProcess.run(["member", "set-name", networkID, world.addresses["m2"]!, "web", "--home", root]).status == 0)
            try world.waitUntil("m1 to get the network's DNS") {
                try NetconProcess.run(["status", "--home", m1]).stdout.contains("dns \(networkID): proxy.example via")
            }
            let named = "http://web.proxy.example:8000/file.bin"
            for (name, arguments) in [
                ("curl --socks5-hostname", ["curl", "-sS", "--max-time", "30", "--socks5-hostname", "127.0.0.1:\(socks)", "-o", "-", named]),
                ("curl --proxy, by name", ["curl", "-sS", "--max-time", "30", "--proxy", "http://127.0.0.1:\(http)", "-o", "-", named]),
                ("curl -p (CONNECT), by name", ["curl", "-sS", "--max-time", "30", "-p", "--proxy", "http://127.0.0.1:\(http)", "-o", "-", named]),
            ] {
                let output = site + "/fetched"
                let result = try HostProgram.run("sh", ["-c", "\"$@\" > \(output)", "sh"] + arguments)
                #expect(result.status == 0, "\(name): \(result.stderr)")
                #expect(FileManager.default.contents(atPath: output) == file, "\(name) fetched other bytes")
            }
            let unknown = "nothere.proxy.example"
            #expect(try Self.socksReplyCode(socks, [5, 1, 0, 3, UInt8(unknown.utf8.count)] + Array(unknown.utf8) + [0x1f, 0x40]) == 4,
                    "an unknown name in the network's domain")
            #expect(Self.statusLine(try Self.exchange(http, Array("GET http://\(unknown):8000/ HTTP/1.1\r\n\r\n".utf8))) == "HTTP/1.1 502 Bad Gateway")

            // SOCKS5 UDP ASSOCIATE, as a client writes it: the answer comes from m2's service, which saw m1's address.
            let udpClient = """
                import socket, struct, sys
                c = socket.create_connection(("127.0.0.1", \(socks)), timeout=10)
                c.sendall(b"\\x05\\x01\\x00"); assert c.recv(2) == b"\\x05\\x00"
                c.sendall(b"\\x05\\x03\\x00\\x01" + bytes(6))
                reply = c.recv(10); assert reply[:4] == b"\\x05\\x00\\x00\\x01", reply
                relay = (socket.inet_ntoa(reply[4:8]), struct.unpack(">H", reply[8:10])[0])
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(3)
                for attempt in range(5):
                    u.sendto(b"\\x00\\x00\\x00\\x01" + socket.inet_aton("\(m2v4)") + struct.pack(">H", 9001) + b"over udp", relay)
                    try: data, source = u.recvfrom(2048)
                    except socket.timeout: continue
                    assert source == relay, source
                    print(socket.inet_ntoa(data[4:8]), struct.unpack(">H", data[8:10])[0], data[10:].decode())
                    sys.exit(0)
                sys.exit("no answer")
                """
            let udp = try HostProgram.run("python3", ["-c", udpClient])
            #expect(udp.status == 0, "\(udp.stderr)")
            #expect(udp.stdout.hasPrefix("\(m2v4) 9001 \(m1v4):") && udp.stdout.hasSuffix(" said over udp\n"), "\(udp.stdout)")

            // SOCKS refusals, each with its reply code.
            let closed = try freeTCPPort()
            #expect(try Self.socksReplyCode(socks, Self.ipv4Request(1, "127.0.0.1", closed)) == 2, "host destination: not allowed")
            #expect(try Self.socksReplyCode(socks, Self.ipv4Request(1, m2v4, 8001)) == 5, "closed virtual port: refused")
            #expect(try Self.socksReplyCode(socks, Self.ipv4Request(2, m2v4, 8000)) == 7, "BIND: not supported")
            #expect(try Self.socksReplyCode(socks, [5, 1, 0, 9, 1, 2, 3, 4, 0, 80]) == 8, "address type 9")
            #expect(try Self.socksReplyCode(socks, [5, 1, 0, 3, 7] + Array("web.lab".utf8) + [0, 80]) == 4, "a name no resolver knows")
            #expect(try Self.socksReplyCode(socks, [5, 1, 0, 3, 2, 0x61, 0x00, 0, 80]) == 1, "a NUL in the name")
            #expect(try Self.exchange(socks, [4, 1, 0, 80, 10, 6, 0, 2, 0]) == [], "SOCKS4 gets nothing back")
            #expect(try Self.exchange(socks, [5, 1, 2], halfClose: true) == [5, 0xff], "only username/password offered")
            #expect(try Self.exchange(socks, [5, 1, 0, 5, 1, 0], halfClose: true) == [5, 0], "a cut request: closed, no reply")

            // HTTP refusals, each with its status.
            let huge = "GET http://\(m2v4):8000/ HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 40_000) + "\r\n\r\n"
            for (request, status) in [
                ("HELLO\r\n\r\n", "HTTP/1.1 400 Bad Request"),
                ("GET / HTTP/1.1\r\nHost: \(m2v4)\r\n\r\n", "HTTP/1.1 400 Bad Request"),
                ("GET https://\(m2v4)/ HTTP/1.1\r\n\r\n", "HTTP/1.1 501 Not Implemented"),
                ("GET http://\(m2v4)/ HTTP/2.0\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported"),
                (huge, "HTTP/1.1 431 Request Header Fields Too Large"),
                ("GET http://127.0.0.1:\(closed)/ HTTP/1.1\r\n\r\n", "HTTP/1.1 403 Forbidden"),
                ("CONNECT \(m2v4):8001 HTTP/1.1\r\n\r\n", "HTTP/1.1 502 Bad Gateway"),
                ("GET http://web.lab/ HTTP/1.1\r\n\r\n", "HTTP/1.1 502 Bad Gateway"),
                ("GET http://\(m2v4):8000/", "HTTP/1.1 408 Request Timeout"),  // no end of head: the 2 s handshake timeout
            ] {
                #expect(Self.statusLine(try Self.exchange(http, Array(request.utf8))) == status, "\(request.prefix(60))")
            }
            // The proxy is still there for the next client.
            let after = try HostProgram.run("curl", ["-sS", "--max-time", "30", "--proxy", "http://127.0.0.1:\(http)", "-o", "/dev/null", "-w", "%{http_code}", url])
            #expect(after.stdout == "200")
            #expect(proxy.stderrSoFar.contains("client=127.0.0.1:"))
        }

        @Test func credentialsAreRequiredWhenGivenAndRemoteClientsNeedThem() throws {
            let (world, addresses) = try StackTransferTests.configuredWorld()
            let m2v4 = try #require(addresses["m2"]?.first { $0.contains(".") })
            let m1 = world.home("m1").path
            // m2 answers a connection on its virtual port 8000 with a few bytes.
            let m2 = RPCClient(path: world.home("m2").path + "/rpc.sock")
            let listen = try m2.call(.tcpListen(local: RPCEndpoint(address: nil, port: 8000), domain: .inet, backlog: 8, listenHost: false, v6Only: false))
            let listener = try #require(listen.descriptor)
            defer { close(listener) }
            Thread {
                setReceiveTimeout(listener, seconds: 60)
                var header = [UInt8](repeating: 0, count: 256)
                while true {
                    var accepted: CInt = -1
                    guard netcon_receive_descriptor(listener, &header, header.count, &accepted) > 0, accepted >= 0 else { return }
                    _ = writeAll(accepted, Array("HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nsecret".utf8))
                    shutdown(accepted, CInt(SHUT_WR))
                    _ = readAll(accepted)
                    close(accepted)
                }
            }.start()

            let credentials = m1 + "-credentials"
            FileManager.default.createFile(atPath: credentials, contents: Data("# proxy users\nbob:hunter2\n".utf8), attributes: [.posixPermissions: 0o644])
            defer { unlink(credentials) }
            let open = try NetconProcess.run(["proxy", "--home", m1, "--socks5", "1080", "--credentials", credentials], timeout: 20)
            #expect(open.status == 64 && open.stderr.contains("chmod 600"), "\(open.stderr)")
            chmod(credentials, 0o600)

            let socks = try freeTCPPort(), http = try freeTCPPort()
            let proxy = try NetconProcess.start(["proxy", "--home", m1, "--socks5", "\(socks)", "--http", "\(http)",
                                                 "--user", "alice:s3cr:t", "--credentials", credentials])
            defer { proxy.signal(SIGTERM); _ = try? proxy.wait(timeout: 10) }
            try proxy.waitForLine("ready")
            let url = "http://\(m2v4):8000/"
            let cases: [([String], String)] = [
                (["-x", "socks5://alice:s3cr%3At@127.0.0.1:\(socks)"], "secret"),
                (["-x", "socks5://bob:hunter2@127.0.0.1:\(socks)"], "secret"),
                (["--proxy", "http://127.0.0.1:\(http)", "--proxy-user", "alice:s3cr:t"], "secret"),
                (["-p", "--proxy", "http://127.0.0.1:\(http)", "--proxy-user", "bob:hunter2"], "secret"),
            ]
            for (arguments, body) in cases {
                let result = try HostProgram.run("curl", ["-sS", "--max-time", "30"] + arguments + [url])
                #expect(result.status == 0 && result.stdout == body, "\(arguments): \(result.stderr)")
            }
            let wrong = try HostProgram.run("curl", ["-sS", "--max-time", "30", "-x", "socks5://alice:wrong@127.0.0.1:\(socks)", url])
            #expect(wrong.status != 0 && wrong.stdout.isEmpty)
            #expect(try Self.exchange(socks, [5, 1, 0], halfClose: true) == [5, 0xff], "no authentication offered")
            #expect(try Self.exchange(socks, [5, 1, 2, 1, 5] + Array("alice".utf8) + [1, 0x78], halfClose: true) == [5, 2, 1, 1])
            let denied = String(decoding: try Self.exchange(http, Array("GET \(url) HTTP/1.1\r\n\r\n".utf8)), as: UTF8.self)
            #expect(denied.hasPrefix("HTTP/1.1 407 Proxy Authentication Required\r\n") && denied.contains("\r\nProxy-Authenticate: Basic realm=\"netcon\"\r\n"))
            let badBasic = try Self.exchange(http, Array("GET \(url) HTTP/1.1\r\nProxy-Authorization: Basic Ym9iOmh1bnRlcjM=\r\n\r\n".utf8))
            #expect(Self.statusLine(badBasic) == "HTTP/1.1 407 Proxy Authentication Required")

            // Other machines' clients only on purpose, and only with credentials.
            let remote = try NetconProcess.run(["proxy", "--home", m1, "--http", "0.0.0.0:\(http)"], timeout: 20)
            #expect(remote.status == 64 && remote.stderr.contains("--allow-remote-clients"))
            let bare = try NetconProcess.run(["proxy", "--home", m1, "--socks5", "[::]:\(socks)", "--allow-remote-clients"], timeout: 20)
            #expect(bare.status == 64 && bare.stderr.contains("needs credentials"))
            let taken = try NetconProcess.run(["proxy", "--home", m1, "--socks5", "\(socks)"], timeout: 20)
            #expect(taken.status == 71 && taken.stderr.contains("cannot listen for socks5 on 127.0.0.1:\(socks)"), "\(taken.stderr)")
        }
    }
}
