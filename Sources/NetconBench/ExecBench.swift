import Glibc
import PreloadImage

/// Part three: what each interception path costs a program that only uses the host's network. The same
/// host-only workload (`netcon selftest-probe loop`, sockets on 127.0.0.1 only) runs plain and under
/// `netcon exec` (preload path, seccomp path) against a member of a private world, alternately, best of `rounds`.
///   udp  datagram round trips between two kernel UDP sockets: sendto + recvfrom each way, so four calls that
///        each are looked at (an address is given) and go on to the kernel
///   tcp  a fresh kernel TCP connection per request: connect and accept (the destination is classified
///        once), send and recv each way, close
func execBench(rounds: Int, executable: String) throws {
    guard access(executable, X_OK) == 0 else { throw BenchFailure("no netcon executable at \(executable) (use --netcon PATH)") }
    print("Host-only sockets on 127.0.0.1, plain and under netcon exec on each path, best of \(rounds):")
    let world = try BenchWorld(executable: executable)
    activeWorld.withLock { $0 = world }
    defer { activeWorld.withLock { $0?.tearDown(); $0 = nil } }
    let addresses = try world.start()

    let workloads: [(name: String, rounds: Int, hookedCalls: Int, label: String)] = [
        ("udp", 200_000, 4, "UDP round trips (sendto/recvfrom each way)"),
        ("tcp", 10_000, 6, "TCP connection + request/response"),
    ]
    for workload in workloads {
        let probe = ["selftest-probe", "loop", workload.name, "--count", String(workload.rounds / 4)]
        let underExec = { (path: String) in ["exec", "--home", world.home("m1"), "--intercept", path, "--", executable] + probe }
        // Once each first: page cache, the library's extraction, the kernel's socket caches.
        _ = try world.netcon(probe)
        _ = try world.netcon(underExec("preload"))
        var plain = 0.0, preloaded = 0.0, filtered = 0.0
        for _ in 0..<rounds {
            plain = max(plain, try rate(world.netcon(probe).lastLine))
            preloaded = max(preloaded, try rate(world.netcon(underExec("preload")).lastLine))
            filtered = max(filtered, try rate(world.netcon(underExec("seccomp"), seconds: 120).lastLine))
        }
        let extra = { (rate: Double) in Int((1e9 / rate - 1e9 / plain) / Double(workload.hookedCalls)) }
        print("  \(workload.label): plain \(formatted(plain / 1000, digits: 1)) k/s")
        print("    preload path \(formatted(preloaded / 1000, digits: 1)) k/s, ratio \(formatted(preloaded / plain, digits: 2)) "
              + "(about \(extra(preloaded)) ns per call looked at)")
        print("    seccomp path \(formatted(filtered / 1000, digits: 1)) k/s, ratio \(formatted(filtered / plain, digits: 2)) "
              + "(about \(extra(filtered)) ns per call stopped)")
        results["host_\(workload.name)_plain_per_s"] = plain
        results["host_\(workload.name)_preload_per_s"] = preloaded
        results["host_\(workload.name)_seccomp_per_s"] = filtered
    }
    guard let server = addresses["m2"] else { throw BenchFailure("m2 has no address") }
    try interceptionBench(world: world, server: server, executable: executable, rounds: min(rounds, 2))
}

/// Part four: virtual sockets on each interception path. m2 serves (`netcon selftest-probe serve` under exec);
/// on m1 the same fetches are made by the static probe (no libc: only the seccomp path can serve it), and by
/// `netcon selftest-probe fetch` on the preload path and on the seccomp path. The reference is the static probe
/// against the same server run plainly on the kernel's loopback.
///   connections  a fresh connection per 1-byte fetch (connect, accept, close: the calls the filter stops)
///   bulk         32 MiB per connection (read and write never stop)
func interceptionBench(world: BenchWorld, server: String, executable: String, rounds: Int) throws {
    let probe = world.base + "/static-probe"
    let file = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
    guard file >= 0 else { throw BenchFailure("cannot write \(probe)") }
    _ = StaticProbeImage.bytes.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
    close(file)

    print("Virtual sockets by interception path (m1 fetches from a probe server on m2), best of \(rounds):")
    var port: UInt16 = 7_400
    /// Fetches per second and bytes per second of one client run against a fresh server.
    func measure(client: [String], program: String?, count: Int, bytes: Int, plainServer: Bool) throws -> Double {
        port += 1
        let serve = ["selftest-probe", "serve", "--port", String(port), "--count", String(count)]
        let serverPid = try world.background(plainServer ? serve : ["exec", "--home", world.home("m2"), "--", executable] + serve)
        defer { world.stop(serverPid) }
        usleep(plainServer ? 300_000 : 1_500_000)
        let target = plainServer ? "127.0.0.1" : server
        let arguments = client.map { $0 == "TARGET" ? target : $0 == "PORT" ? String(port) : $0 }
        let lines = try world.run(program ?? executable, arguments, seconds: 120)
        guard let line = lines.first(where: { $0.hasPrefix("fetched ") }) else {
            throw BenchFailure("no timing from \(arguments.joined(separator: " ")): \(lines.joined(separator: " / "))")
        }
        let words = line.split(separator: " ")
        guard words.count == 8, let fetched = Double(words[1]), let nanoseconds = Double(words[6]), nanoseconds > 0 else {
            throw BenchFailure("unexpected probe output: \(line)")
        }
        return fetched * 1e9 / nanoseconds
    }
    let m1 = world.home("m1")
    let workloads: [(name: String, count: Int, bytes: Int)] = [("connections", 500, 1), ("bulk", 4, 32 << 20)]
    for workload in workloads {
        let size = ["TARGET", "PORT", String(workload.bytes), String(workload.count)]
        let dynamic = { (path: String) in
            ["exec", "--home", m1, "--intercept", path, "--", executable, "selftest-probe", "fetch", "TARGET", "PORT",
             "--bytes", String(workload.bytes), "--count", String(workload.count)]
        }
        let clients: [(label: String, key: String, arguments: [String], program: String?, plain: Bool)] = [
            ("kernel loopback (static probe, plain)", "loopback", ["fetch"] + size, probe, true),
            ("static probe, seccomp path", "static_seccomp", ["exec", "--home", m1, "--", probe, "fetch"] + size, nil, false),
            ("dynamic probe, preload path", "dynamic_preload", dynamic("preload"), nil, false),
            ("dynamic probe, seccomp path", "dynamic_seccomp", dynamic("seccomp"), nil, false),
        ]
        var best: [String: Double] = [:]
        for _ in 0..<rounds {
            for client in clients {
                let rate = try measure(client: client.arguments, program: client.program, count: workload.count,
                                       bytes: workload.bytes, plainServer: client.plain)
                best[client.key] = max(best[client.key] ?? 0, rate)
            }
        }
        let loopback = best["loopback"]!
        print("  \(workload.name == "bulk" ? "bulk, 32 MiB per connection" : "a connection per 1-byte fetch"):")
        for client in clients {
            let rate = best[client.key]!
            let shown = workload.name == "bulk" ? "\(formatted(rate * Double(workload.bytes) / 1e6, digits: 1)) MB/s"
                                                 : "\(formatted(rate, digits: 0)) connections/s"
            let ratio = client.key == "loopback" ? "" : "; ratio to loopback \(formatted(rate / loopback, digits: 2))"
            print("    \(client.label): \(shown)\(ratio)")
            results["intercept_\(workload.name)_\(client.key)_per_s"] = rate
        }
    }
}

/// Rounds per second from the probe's "<workload> <rounds> rounds in <ns> ns".
private func rate(_ line: String) throws -> Double {
    let words = line.split(separator: " ")
    guard words.count == 6, let count = Double(words[1]), let nanoseconds = Double(words[4]), nanoseconds > 0 else {
        throw BenchFailure("unexpected probe output: \(line)")
    }
    return count * 1e9 / nanoseconds
}
