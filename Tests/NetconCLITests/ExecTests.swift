import CNetconSys
import Foundation
import Glibc
import NetconRPC
import Testing

/// `netcon exec` as users run it: against a running daemon and with a node of its own, with real programs.
@Suite(.serialized) struct ExecTests {
    /// root (controller) and m1 running, both members authorized, m1 joined; m2's home is ready but not running.
    static func world() throws -> (world: WorldTests.World, network: String, m1: String) {
        let world = try WorldTests.World(members: ["m1", "m2"])
        try world.start("root")
        try world.start("m1")
        let root = world.home("root").path
        let created = try NetconProcess.run(["network", "create", "--home", root, "--name", "exec", "--pool", "10.7.0.0/24"])
        let network = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for name in ["m1", "m2"] {
            #expect(try NetconProcess.run(["member", "authorize", network, world.addresses[name]!, "--home", root]).status == 0)
        }
        let joined = try NetconProcess.run(["join", network, "--home", world.home("m1").path, "--timeout", "20"])
        guard joined.status == 0 else { throw TestFailure("m1 could not join: \(joined.stderr)") }
        let address = try #require(try WorldTests().network(world, "m1", network)?.assignedAddresses.first)
        return (world, network, String(address.split(separator: "/")[0]))
    }

    static func python(_ code: String) -> [String] { ["python3", "-c", code] }

    static func connectAndRead(_ host: String, _ port: UInt16) -> [String] {
        python("import socket; s = socket.create_connection(('\(host)', \(port)), timeout=10); print(s.recv(100).decode())")
    }

    @Test func exitStatusSignalsEnvironmentAndFallThroughToTheHost() throws {
        let (world, _, _) = try Self.world()
        let m1 = world.home("m1").path
        func exec(_ arguments: [String], _ command: [String], environment: [String: String] = [:]) throws -> NetconProcess.Result {
            try NetconProcess.run(["exec", "--home", m1] + arguments + ["--"] + command, environment: environment, timeout: 60)
        }

        #expect(try exec([], ["sh", "-c", "exit 7"]).status == 7)
        #expect(try exec([], ["sh", "-c", "kill -TERM $$"]).status == 128 + SIGTERM)
        let missing = try exec([], ["no-such-program-netcon-test"])
        #expect(missing.status == 127)
        #expect(missing.stderr.contains("no-such-program-netcon-test: command not found"))

        // The seccomp path (auto) adds no library: the user's LD_PRELOAD stays as it was; the program learns where the
        // node is.
        let printEnvironment = ["sh", "-c", "echo \"$LD_PRELOAD\"; echo \"$NETCON_RPC_SOCKET\"; echo \"$NETCON_ISOLATE\""]
        let environment = try exec(["--isolate"], printEnvironment, environment: ["LD_PRELOAD": "libnetcon-test-absent.so"])
        let lines = environment.stdout.split(separator: "\n").map(String.init)
        #expect(lines == ["libnetcon-test-absent.so", m1 + "/rpc.sock", "1"], "\(environment.stderr)")
        // The preload path puts the library first in LD_PRELOAD, the user's after it.
        let preloaded = try exec(["--intercept", "preload"], printEnvironment, environment: ["LD_PRELOAD": "libnetcon-test-absent.so"])
        let preloadLines = preloaded.stdout.split(separator: "\n").map(String.init)
        #expect(preloadLines.count == 2)
        #expect(preloadLines.first?.contains("libnetcon-preload-") == true && preloadLines.first?.hasSuffix(":libnetcon-test-absent.so") == true)
        #expect(preloadLines.last == m1 + "/rpc.sock")
        // The preload library alone cannot hold --isolate for every program: refused, not weakened.
        let weak = try exec(["--intercept", "preload", "--isolate"], ["true"])
        #expect(weak.status == 64)
        #expect(weak.stderr.contains("--isolate needs --intercept seccomp or auto"))

        // A host destination falls through to the kernel's stack; --isolate refuses it.
        let host = try HostListener(reply: "host says hi")
        let through = try exec([], Self.connectAndRead("127.0.0.1", host.port))
        #expect(through.status == 0, "\(through.stderr)")
        #expect(through.stdout == "host says hi\n")
        let isolated = try exec(["--isolate"], Self.connectAndRead("127.0.0.1", host.port))
        #expect(isolated.status != 0)
        #expect(isolated.stderr.contains("Network is unreachable"))

        // netcon passes SIGTERM on and returns the program's fate.
        let sleeper = try NetconProcess.start(["exec", "--home", m1, "--", "sleep", "30"])
        usleep(1_500_000)
        sleeper.signal(SIGTERM)
        let stopped = try sleeper.wait(timeout: 10)
        #expect(stopped.status == 128 + SIGTERM)

        // A node that joined nothing has nothing to run the program on: its own status, not "not ready in time".
        let nothing = try NetconProcess.run(["exec", "--home", world.home("root").path, "--", "true"])
        #expect(nothing.status == 63)
        #expect(nothing.stderr.contains("joined no network"))
    }

    @Test func socketsOfAStoppedNodeGoQuietInsteadOfEndingForever() throws {
        let (world, _, _) = try Self.world()
        let marker = world.home("m1").path + "-" + UUID().uuidString
        let flag = marker + "-node-stopped", ready = marker + "-sockets-ready"
        defer { unlink(flag); unlink(ready) }
        let script = """
            import os, socket, sys, time
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 5400))
            l = socket.socket(socket.AF_INET, socket.SOCK_STREAM); l.bind(("0.0.0.0", 5401)); l.listen(4)
            print("ready", flush=True); open("\(ready)", "w").close()
            while not os.path.exists("\(flag)"): time.sleep(0.1)
            u.settimeout(2); l.settimeout(2)
            for name, call in (("udp", lambda: u.recvfrom(100)), ("tcp", l.accept)):
                try: print(name, "returned", call()[0])
                except socket.timeout: print(name, "waits")
            """
        let program = try NetconProcess.start(["exec", "--home", world.home("m1").path, "--", "python3", "-c", script])
        try world.waitUntil("the program's sockets", timeout: 60) { FileManager.default.fileExists(atPath: ready) || !program.process.isRunning }
        #expect(try world.stop("m1").status == 0)
        FileManager.default.createFile(atPath: flag, contents: nil)
        let result = try program.wait(timeout: 30)
        // Before, the dead node's ends read as end-of-file forever (programs spun); now they wait like a silent network.
        #expect(result.stdout == "ready\nudp waits\ntcp waits\n", "\(result.stderr)")
        #expect(result.stderr.contains("the node closed a UDP socket"))
        #expect(result.stderr.contains("the node closed a listening socket"))
    }

    @Test func withoutADaemonExecRunsItsOwnNodeThenStopsIt() throws {
        let (world, network, m1Address) = try Self.world()
        // m1 listens on the virtual network (through the RPC); a program under exec on m2 connects to it.
        let m1 = RPCClient(path: world.home("m1").path + "/rpc.sock")
        let listen = try m1.call(.tcpListen(local: RPCEndpoint(address: nil, port: 7300), domain: .inet, backlog: 4,
                                            listenHost: false, v6Only: false))
        let listener = try #require(listen.descriptor)
        defer { close(listener) }
        let server = Thread {
            var header = [UInt8](repeating: 0, count: 256)
            var accepted: CInt = -1
            setReceiveTimeout(listener, seconds: 60)
            guard netcon_receive_descriptor(listener, &header, header.count, &accepted) > 0, accepted >= 0 else { return }
            _ = writeAll(accepted, Array("hello from m1".utf8))
            close(accepted)
        }
        server.start()

        let m2 = world.home("m2").path
        let result = try NetconProcess.run(["exec", "--home", m2, "--join", network, "--"] + Self.connectAndRead(m1Address, 7300),
                                           timeout: 90)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "hello from m1\n")
        #expect(result.stderr.contains("starting one inside this process"))
        // The embedded node stopped with the program: no daemon answers for m2 any more.
        #expect(try NetconProcess.run(["status", "--home", m2]).status == 1)
    }
}

/// A kernel TCP listener on 127.0.0.1 that sends `reply` to each connection, until the test ends.
final class HostListener: @unchecked Sendable {
    let port: UInt16
    private let fd: CInt

    init(reply: String) throws {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 8) == 0 else { throw TestFailure("cannot listen on 127.0.0.1") }
        port = UInt16(bigEndian: address.sin_port)
        let listener = fd
        Thread {
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 { return }
                _ = writeAll(connection, Array(reply.utf8))
                close(connection)
            }
        }.start()
    }

    deinit { shutdown(fd, CInt(SHUT_RDWR)); close(fd) }
}
