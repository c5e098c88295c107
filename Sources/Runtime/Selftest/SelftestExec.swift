import Glibc
import Synchronization

/// The selftest's `netcon exec` checks: this binary runs under the intercept library as both server and
/// client (`netcon selftest-probe`), so no other program is needed.
extension SelftestWorld {
    static let probePort: UInt16 = 7_300
    static let probeBytes = 1 << 20

    /// bob's probe listens on the network under `netcon exec`, alice's probe fetches from it under `netcon exec`.
    func interceptedChild() throws(SelftestFailure) -> String {
        guard let target = bobAddresses.first(where: { !$0.contains(":") }) else { throw SelftestFailure("bob has no IPv4 address") }
        let server = try ChildCommand(
            executable: executable,
            arguments: ["exec", "--home", home("bob").path, "--timeout", "10", "--", executable,
                        "selftest-probe", "serve", "--port", String(Self.probePort), "--count", "1"],
            output: "\(base)/exec-serve.log")
        defer { server.stop() }
        try waitFor("bob's probe to listen", seconds: 20) { server.output.contains("listening on port") || !server.isRunning }
        guard server.isRunning else { throw SelftestFailure("bob's probe under netcon exec ended: \(server.lastLine)") }

        let client = try runProbe(home: "alice", ["fetch", target, String(Self.probePort), "--bytes", String(Self.probeBytes)])
        guard client.status == 0 else { throw SelftestFailure("alice's probe: \(client.outcome): \(client.lastLine)") }
        guard let status = server.wait(seconds: 10) else { throw SelftestFailure("bob's probe did not exit after serving") }
        guard status == 0 else { throw SelftestFailure("bob's probe exited \(status): \(server.lastLine)") }
        let checksum = client.lastLine.split(separator: " ").last.map(String.init) ?? "?"
        return "bob \(target):\(Self.probePort) → alice: \(Self.probeBytes >> 20) MiB, checksum \(checksum)"
    }

    /// A host address (127.0.0.1, a kernel socket of this process) is reached through the host's stack; with
    /// `--isolate` the same connect fails with ENETUNREACH and nothing arrives.
    func fallThrough() throws(SelftestFailure) -> String {
        let (listener, port) = try wrapped { () throws(SelftestProbe.Failure) in try SelftestProbe.loopbackListener() }
        defer { close(listener) }
        let served = Mutex<String?>(nil)
        let server = JoinableThread {
            do throws(SelftestProbe.Failure) {
                try SelftestProbe.serveOne(listener)
                served.withLock { $0 = "" }
            } catch let failure {
                served.withLock { $0 = failure.description }
            }
        }
        let client: ChildCommand
        do {
            client = try runProbe(home: "alice", ["fetch", "127.0.0.1", String(port), "--bytes", "65536"])
        } catch let failure {
            shutdown(listener, CInt(SHUT_RDWR))
            server.join()
            throw failure
        }
        if client.status != 0 { shutdown(listener, CInt(SHUT_RDWR)) }  // wakes the blocked accept
        server.join()
        guard client.status == 0 else { throw SelftestFailure("the probe: \(client.outcome): \(client.lastLine)") }
        if let failure = served.withLock({ $0 }), !failure.isEmpty { throw SelftestFailure("this process's server: \(failure)") }

        let isolated = try runProbe(home: "alice", ["fetch", "127.0.0.1", String(port), "--bytes", "65536"], isolate: true)
        let unreachable = String(cString: strerror(ENETUNREACH))
        guard let status = isolated.status, status > 0, isolated.output.contains(unreachable) else {
            throw SelftestFailure("under --isolate the probe: \(isolated.outcome): \(isolated.lastLine)")
        }
        var pending = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&pending, 1, 0) == 0 else { throw SelftestFailure("under --isolate a connection still reached 127.0.0.1:\(port)") }
        let checksum = client.lastLine.split(separator: " ").last.map(String.init) ?? "?"
        return "127.0.0.1:\(port) via the host: 64 KiB, checksum \(checksum); --isolate: \(unreachable.lowercased()) (exit \(status))"
    }

    /// `netcon exec --home <name> [--isolate] -- netcon selftest-probe ARGS`, run to its end (at most 20 s).
    private func runProbe(home name: String, _ arguments: [String], isolate: Bool = false) throws(SelftestFailure) -> ChildCommand {
        let command = try ChildCommand(
            executable: executable,
            arguments: ["exec", "--home", home(name).path, "--timeout", "10"] + (isolate ? ["--isolate"] : [])
                + ["--", executable, "selftest-probe"] + arguments,
            output: "\(base)/exec-\(name)\(isolate ? "-isolated" : "").log")
        command.wait(seconds: 20)
        return command
    }

    private func wrapped<T>(_ body: () throws(SelftestProbe.Failure) -> T) throws(SelftestFailure) -> T {
        do { return try body() } catch { throw SelftestFailure(error.description) }
    }
}
