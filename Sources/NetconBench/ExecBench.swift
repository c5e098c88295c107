import Glibc

/// Part three: what the intercept library costs a program that only uses the host's network. The same
/// host-only workload (`netcon selftest-probe loop`, sockets on 127.0.0.1 only) runs plain and under
/// `netcon exec` against a member of a private world, alternately, best of `rounds` each.
///   udp  datagram round trips between two kernel UDP sockets: sendto + recvfrom each way, so four hooked
///        calls that each look the descriptor up and pass straight through
///   tcp  a fresh kernel TCP connection per request: connect and accept (the destination is classified
///        once), send and recv each way, close
func execBench(rounds: Int, executable: String) throws {
    guard access(executable, X_OK) == 0 else { throw BenchFailure("no netcon executable at \(executable) (use --netcon PATH)") }
    print("Host-only sockets on 127.0.0.1, plain and under netcon exec (the intercept library), best of \(rounds):")
    let world = try BenchWorld(executable: executable)
    activeWorld.withLock { $0 = world }
    defer { activeWorld.withLock { $0?.tearDown(); $0 = nil } }
    _ = try world.start()

    let workloads: [(name: String, rounds: Int, hookedCalls: Int, label: String)] = [
        ("udp", 200_000, 4, "UDP round trips (sendto/recvfrom each way)"),
        ("tcp", 10_000, 6, "TCP connection + request/response"),
    ]
    for workload in workloads {
        let probe = ["selftest-probe", "loop", workload.name, "--count", String(workload.rounds)]
        // Once each first: page cache, the library's extraction, the kernel's socket caches.
        _ = try world.netcon(probe)
        _ = try world.netcon(["exec", "--home", world.home("m1"), "--", executable] + probe)
        var plain = 0.0, preloaded = 0.0
        for _ in 0..<rounds {
            plain = max(plain, try rate(world.netcon(probe).lastLine))
            preloaded = max(preloaded, try rate(world.netcon(["exec", "--home", world.home("m1"), "--", executable] + probe).lastLine))
        }
        let extraNanoseconds = (1e9 / preloaded - 1e9 / plain) / Double(workload.hookedCalls)
        print("  \(workload.label):")
        print("    plain \(formatted(plain / 1000, digits: 1)) k/s; under netcon exec \(formatted(preloaded / 1000, digits: 1)) k/s; "
              + "ratio \(formatted(preloaded / plain, digits: 2)) (about \(Int(extraNanoseconds)) ns per hooked call)")
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
