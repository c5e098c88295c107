import CNetconSys
import Foundation
import Glibc
import NetconRPC
import Testing

/// The node dies under running programs (kill -9), and programs die under the node: nobody hangs, nothing leaks,
/// and a restarted node serves the programs that outlived it.
@Suite(.serialized) struct NodeCrashTests {
    /// Holds one virtual connection, reports how it ends when the node is killed, then connects again until a
    /// node answers. Progress goes to a file, one line per step, so the test can follow it while it runs.
    static let survivor = """
        import socket, sys, time
        host, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        def note(line):
            with open(log, "a") as f: f.write(line + "\\n")
        first = socket.create_connection((host, port), timeout=10)
        first.sendall(b"first")
        note("connected")
        first.settimeout(60)
        try:
            data = first.recv(100)
            note("old connection: " + ("end of stream" if not data else "data " + data.decode()))
        except OSError as error:
            note("old connection: error %d" % (error.errno or 0))
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                again = socket.create_connection((host, port), timeout=10)
                again.settimeout(10)
                again.sendall(b"again")
                note("reconnected: " + again.recv(100).decode())
                sys.exit(0)
            except OSError as error:
                note("refused: %d" % (error.errno or 0))
                time.sleep(0.3)
        sys.exit(3)
        """

    @Test(arguments: ["seccomp", "preload"])
    func aKilledNodeGivesItsProgramsErrorsAndARestartedOneServesThemAgain(intercept: String) throws {
        let port: UInt16 = 7400
        let (world, m1v4, listener) = try Self.worldWithListenerOnM1(port: port)
        defer { close(listener) }

        let log = world.home("m2").path + "/survivor.log"
        // unshare -n: while the restarted node has not rejoined yet, the virtual address is no route of its, and the
        // program's connect goes to the host's stack, which must not reach beyond this machine.
        let program = try NetconProcess.start(["exec", "--home", world.home("m2").path, "--intercept", intercept, "--",
                                               "unshare", "-n", "python3", "-c", Self.survivor, m1v4, String(port), log])
        let first = try Self.accept(listener)
        defer { close(first) }
        #expect(Self.read(first) == "first")
        try world.waitUntil("the program's first connection") { Self.lines(log).contains("connected") }

        // kill -9: the program's connection ends at once, with an error or the end of the stream, never a hang.
        try world.kill("m2")
        try world.waitUntil("the old connection to end", timeout: 10) {
            Self.lines(log).contains { $0.hasPrefix("old connection: end of stream") || $0.hasPrefix("old connection: error") }
        }
        // While no node runs, connecting fails (ECONNREFUSED or ENOENT for the missing RPC socket): no hang.
        try world.waitUntil("a refused connect", timeout: 20) { Self.lines(log).contains { $0.hasPrefix("refused: ") } }

        // A new node on the same home rejoins the network, and the same program connects through it.
        try world.start("m2")
        let again = try Self.accept(listener)
        defer { close(again) }
        #expect(Self.read(again) == "again")
        #expect(writeAll(again, Array("pong".utf8)))
        let result = try program.wait(timeout: 30)
        #expect(result.status == 0, "program: \(Self.lines(log)) \(result.stderr)")
        #expect(Self.lines(log).last == "reconnected: pong")
    }

    /// Opens connections, listeners and UDP sockets, says so, and waits to be killed.
    static let holder = """
        import os, socket, sys, time
        host, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        held = [socket.create_connection((host, port), timeout=10) for _ in range(16)]
        for index in range(4):
            listener = socket.socket()
            listener.bind(("0.0.0.0", port + 10 + index))
            listener.listen(8)
            held.append(listener)
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.sendto(b"x", (host, port + 20))
            held.append(udp)
        with open(log, "a") as f: f.write("ready %d\\n" % os.getpid())
        time.sleep(120)
        """

    @Test(arguments: ["seccomp", "preload"])
    func aProgramKilledBySignalLeavesNoSocketPcbOrDescriptorInTheNode(intercept: String) throws {
        let port: UInt16 = 7410
        let (world, m1v4, listener) = try Self.worldWithListenerOnM1(port: port)
        defer { close(listener) }
        let node = try #require(world.daemons["m2"]).pid
        let baseline = try world.sockets("m2")
        let descriptorsBefore = Self.descriptorCount(node)

        let log = world.home("m2").path + "/holder.log"
        let program = try NetconProcess.start(["exec", "--home", world.home("m2").path, "--intercept", intercept, "--",
                                               "unshare", "-n", "python3", "-c", Self.holder, m1v4, String(port), log])
        var accepted = [CInt]()
        defer { for fd in accepted { close(fd) } }
        do {
            for _ in 0..<16 { accepted.append(try Self.accept(listener)) }
        } catch {
            program.signal(SIGTERM)
            throw TestFailure("\(error) after \(accepted.count); the program: \(try program.wait(timeout: 10))")
        }
        try world.waitUntil("the program's sockets") { Self.lines(log).contains { $0.hasPrefix("ready ") } }
        let held = try world.sockets("m2")
        #expect(held.tcpConnections == baseline.tcpConnections + 16 && held.tcpListeners == baseline.tcpListeners + 4)
        #expect(held.udp == baseline.udp + 4 && held.stackUDP == baseline.stackUDP + 4)

        let pid = try #require(Self.lines(log).first { $0.hasPrefix("ready ") }.flatMap { Int32($0.dropFirst(6)) })
        #expect(Glibc.kill(pid, SIGKILL) == 0)
        let result = try program.wait(timeout: 20)
        #expect(result.status == 128 + SIGKILL)

        // The program's connections end on the other member too (their ends read the end of the stream) …
        for fd in accepted { #expect(Self.read(fd) == "") }
        for fd in accepted { close(fd) }
        accepted.removeAll()
        // … and the node is back where it was: no bridge, no pcb (TIME-WAIT aside), no descriptor.
        var last = baseline
        do {
            try world.waitUntil("the node to let go of the program's sockets", timeout: 20) {
                last = try world.sockets("m2")
                return last.tcpConnections == baseline.tcpConnections && last.tcpListeners == baseline.tcpListeners
                    && last.udp == baseline.udp && last.stackTCPActive == baseline.stackTCPActive
                    && last.stackTCPListening == baseline.stackTCPListening && last.stackTCPBound == baseline.stackTCPBound
                    && last.stackUDP == baseline.stackUDP && Self.descriptorCount(node) <= descriptorsBefore
            }
        } catch {
            throw TestFailure("\(error): \(last) (before: \(baseline)), \(Self.descriptorCount(node)) descriptors (before: \(descriptorsBefore))")
        }
    }

    /// Two members on a network, and a TCP listener of m1's (through its RPC socket) that the programs on m2 reach.
    static func worldWithListenerOnM1(port: UInt16) throws -> (WorldTests.World, String, CInt) {
        let (world, addresses) = try StackTransferTests.configuredWorld()
        let m1 = RPCClient(path: world.home("m1").path + "/rpc.sock")
        let m1v4 = try #require(addresses["m1"]?.first { $0.contains(".") })
        let listen = try m1.call(.tcpListen(local: RPCEndpoint(address: nil, port: port), domain: .inet, backlog: 32,
                                            listenHost: false, v6Only: false))
        let listener = try #require(listen.descriptor)
        setReceiveTimeout(listener, seconds: 60)
        return (world, m1v4, listener)
    }

    static func descriptorCount(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    static func accept(_ listener: CInt) throws -> CInt {
        var header = [UInt8](repeating: 0, count: 256)
        var accepted: CInt = -1
        guard netcon_receive_descriptor(listener, &header, header.count, &accepted) > 0, accepted >= 0 else {
            throw TestFailure("no connection reached the listener")
        }
        setReceiveTimeout(accepted, seconds: 30)
        return accepted
    }

    static func read(_ fd: CInt) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = Glibc.read(fd, &buffer, buffer.count)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
