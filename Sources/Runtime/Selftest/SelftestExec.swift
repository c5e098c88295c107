import Glibc
import Synchronization

/// The selftest's `netcon exec` checks: this binary runs under netcon's interception as both server and client
/// (`netcon selftest-probe`), and so does the static probe embedded in it (no libc: only the seccomp path can
/// serve it), so no other program is needed.
extension SelftestWorld {
    static let probePort: UInt16 = 7_300
    static let probeBytes = 1 << 20

    /// Who fetches from bob's probe on alice's node.
    enum ProbeClient {
        /// `netcon selftest-probe` (a dynamically linked program) under `--intercept PATH`.
        case netcon(intercept: String)
        /// The static probe (auto: the seccomp path).
        case staticProbe

        var label: String {
            switch self {
            case .netcon(let intercept): "netcon selftest-probe, --intercept \(intercept)"
            case .staticProbe: "static probe"
            }
        }
    }

    /// bob's probe listens on the network under `netcon exec`, alice's client fetches from it under `netcon exec`.
    func interceptedChild(_ client: ProbeClient) throws(SelftestFailure) -> String {
        guard let target = bobAddresses.first(where: { !$0.contains(":") }) else { throw SelftestFailure("bob has no IPv4 address") }
        let server = try ChildCommand(
            executable: executable,
            arguments: ["exec", "--home", home("bob").path, "--timeout", "10", "--", executable,
                        "selftest-probe", "serve", "--port", String(Self.probePort), "--count", "1"],
            output: "\(base)/exec-serve.log")
        defer { server.stop() }
        try waitFor("bob's probe to listen", seconds: 20) { server.output.contains("listening on port") || !server.isRunning }
        guard server.isRunning else { throw SelftestFailure("bob's probe under netcon exec ended: \(server.lastLine)") }

        let fetcher: ChildCommand
        switch client {
        case .netcon(let intercept):
            fetcher = try runProbe(home: "alice", ["fetch", target, String(Self.probePort), "--bytes", String(Self.probeBytes)],
                                   intercept: intercept)
        case .staticProbe:
            fetcher = try runStaticProbe(home: "alice", ["fetch", target, String(Self.probePort), String(Self.probeBytes)])
        }
        guard fetcher.status == 0 else { throw SelftestFailure("alice's \(client.label): \(fetcher.outcome): \(fetcher.lastLine)") }
        guard let status = server.wait(seconds: 10) else { throw SelftestFailure("bob's probe did not exit after serving") }
        guard status == 0 else { throw SelftestFailure("bob's probe exited \(status): \(server.lastLine)") }
        switch client {
        case .netcon:
            let checksum = fetcher.lastLine.split(separator: " ").last.map(String.init) ?? "?"
            return "bob \(target):\(Self.probePort) → alice (\(client.label)): \(Self.probeBytes >> 20) MiB, checksum \(checksum)"
        case .staticProbe:
            return "bob \(target):\(Self.probePort) → alice (\(client.label)): \(Self.probeBytes >> 20) MiB, every byte checked"
        }
    }

    /// The static probe reaches a host listener on 127.0.0.1 without --isolate; with it, its connect fails with
    /// ENETUNREACH and nothing arrives: isolation does not depend on how a program was built.
    func staticIsolation() throws(SelftestFailure) -> String {
        let (port, _, isolated) = try throughHostThenIsolated("the static probe") { (port, isolate) throws(SelftestFailure) in
            try runStaticProbe(home: "alice", ["fetch", "127.0.0.1", String(port), "65536"], isolate: isolate)
        }
        guard isolated.status == ENETUNREACH, isolated.output.contains("connect: errno \(ENETUNREACH)") else {
            throw SelftestFailure("under --isolate the static probe: \(isolated.outcome): \(isolated.lastLine)")
        }
        return "127.0.0.1:\(port) via the host: 64 KiB; --isolate: connect failed with ENETUNREACH, nothing arrived"
    }

    /// A host address (127.0.0.1, a kernel socket of this process) is reached through the host's stack; with
    /// `--isolate` the same connect fails with ENETUNREACH and nothing arrives.
    func fallThrough() throws(SelftestFailure) -> String {
        let (port, client, isolated) = try throughHostThenIsolated("the probe") { (port, isolate) throws(SelftestFailure) in
            try runProbe(home: "alice", ["fetch", "127.0.0.1", String(port), "--bytes", "65536"], isolate: isolate)
        }
        let unreachable = String(cString: strerror(ENETUNREACH))
        guard let status = isolated.status, status > 0, isolated.output.contains(unreachable) else {
            throw SelftestFailure("under --isolate the probe: \(isolated.outcome): \(isolated.lastLine)")
        }
        let checksum = client.lastLine.split(separator: " ").last.map(String.init) ?? "?"
        return "127.0.0.1:\(port) via the host: 64 KiB, checksum \(checksum); --isolate: \(unreachable.lowercased()) (exit \(status))"
    }

    /// `run(port, false)` against a one-request server on this process's 127.0.0.1 must be served; `run(port, true)`
    /// (--isolate) must leave it untouched. Returns the port and both runs (the caller checks how the second failed).
    private func throughHostThenIsolated(
        _ what: String, _ run: (_ port: UInt16, _ isolate: Bool) throws(SelftestFailure) -> ChildCommand
    ) throws(SelftestFailure) -> (port: UInt16, served: ChildCommand, isolated: ChildCommand) {
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
            client = try run(port, false)
        } catch let failure {
            shutdown(listener, CInt(SHUT_RDWR))
            server.join()
            throw failure
        }
        if client.status != 0 { shutdown(listener, CInt(SHUT_RDWR)) }  // wakes the blocked accept
        server.join()
        guard client.status == 0 else { throw SelftestFailure("\(what) to 127.0.0.1: \(client.outcome): \(client.lastLine)") }
        if let failure = served.withLock({ $0 }), !failure.isEmpty { throw SelftestFailure("this process's server: \(failure)") }

        let isolated = try run(port, true)
        var pending = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&pending, 1, 0) == 0 else { throw SelftestFailure("under --isolate \(what) still reached 127.0.0.1:\(port)") }
        return (port, client, isolated)
    }

    /// `netcon exec --home <name> [--isolate] [--intercept PATH] -- netcon selftest-probe ARGS`, run to its end
    /// (at most 20 s).
    private func runProbe(home name: String, _ arguments: [String], isolate: Bool = false, intercept: String = "auto")
        throws(SelftestFailure) -> ChildCommand
    {
        try runUnderExec(home: name, [executable, "selftest-probe"] + arguments, isolate: isolate, intercept: intercept,
                         log: "exec-\(name)-\(intercept)\(isolate ? "-isolated" : "")")
    }

    /// The embedded static probe under `netcon exec --home <name> [--isolate]`.
    private func runStaticProbe(home name: String, _ arguments: [String], isolate: Bool = false) throws(SelftestFailure) -> ChildCommand {
        let probe: String
        do { probe = try StaticProbe.install().path } catch { throw SelftestFailure(error) }
        return try runUnderExec(home: name, [probe] + arguments, isolate: isolate, intercept: "auto",
                                log: "exec-\(name)-static\(isolate ? "-isolated" : "")")
    }

    private func runUnderExec(home name: String, _ command: [String], isolate: Bool, intercept: String, log: String)
        throws(SelftestFailure) -> ChildCommand
    {
        let child = try ChildCommand(
            executable: executable,
            arguments: ["exec", "--home", home(name).path, "--timeout", "10", "--intercept", intercept]
                + (isolate ? ["--isolate"] : []) + ["--"] + command,
            output: "\(base)/\(log).log")
        child.wait(seconds: 20)
        return child
    }

    private func wrapped<T>(_ body: () throws(SelftestProbe.Failure) -> T) throws(SelftestFailure) -> T {
        do { return try body() } catch { throw SelftestFailure(error.description) }
    }
}
