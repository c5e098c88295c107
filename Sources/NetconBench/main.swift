import Glibc
import Synchronization

// `make bench`: speed is measured here, never in tests. Three parts, in release mode:
//   armor  PacketArmor next to the raw libsodium calls it needs (ArmorBench.swift)
//   tcp    TCP between two lwIP interfaces in this process (StackBench.swift) next to TCP between two
//          `netcon run` members on 127.0.0.1 (NodesBench.swift), and their ratio
//   exec   a host-only socket workload plain and under `netcon exec`, and their ratio (ExecBench.swift)
//   loss   TCP between two members over a faulty underlay next to the kernel's TCP over the same faults
// Usage: NetconBench [armor|tcp|exec|loss] [--mib N] [--rounds N] [--netcon PATH] [--loss-…]

/// The world the signal watcher and the deadline tear down before exiting.
let activeWorld = Mutex<BenchWorld?>(nil)

func tearDownAndExit(_ status: CInt) -> Never {
    activeWorld.withLock { world in
        world?.tearDown()
        world = nil
    }
    fflush(nil)
    _exit(status)
}

/// SIGINT/SIGTERM/SIGHUP go to one watcher thread (blocked everywhere else: this runs before any other thread
/// exists), which cleans up and exits 130; past `deadlineSeconds` another thread does the same with status 1.
func installGuards(deadlineSeconds: Int) {
    signal(SIGPIPE, SIG_IGN)
    var set = sigset_t()
    sigemptyset(&set)
    for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, number) }
    pthread_sigmask(SIG_BLOCK, &set, nil)
    var watcher = pthread_t()
    pthread_create(&watcher, nil, { _ in
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, number) }
        var received: CInt = 0
        sigwait(&set, &received)
        tearDownAndExit(130)
    }, nil)
    pthread_detach(watcher)
    var timer = pthread_t()
    let seconds = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    seconds.initialize(to: deadlineSeconds)
    pthread_create(&timer, nil, { context in
        sleep(UInt32(context!.assumingMemoryBound(to: Int.self).pointee))
        printError("NetconBench: gave up after the deadline; children stopped, homes removed")
        tearDownAndExit(1)
    }, seconds)
    pthread_detach(timer)
}

func printError(_ line: String) {
    fflush(nil)
    let bytes = Array((line + "\n").utf8)
    _ = write(2, bytes, bytes.count)
}

/// The `netcon` built next to this executable.
func siblingNetcon() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let path = count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "./NetconBench"
    return String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) + "/netcon"
}

func tcpBench(mebibytes: Int, rounds: Int, executable: String, connectionCounts: [Int]) throws {
    let total = mebibytes << 20
    print("TCP, \(mebibytes) MiB per transfer, best of \(rounds):")

    let stacks = try BackToBackStacks()
    var raw = 0.0
    for round in 0..<rounds { raw = max(raw, try stacks.transfer(bytes: total, port: 5001 + UInt16(round))) }
    stacks.close()
    print("  lwIP alone, two interfaces in one process:         \(formatted(raw, digits: 1)) MB/s")

    guard access(executable, X_OK) == 0 else { throw BenchFailure("no netcon executable at \(executable) (use --netcon PATH)") }
    let world = try BenchWorld(executable: executable)
    activeWorld.withLock { $0 = world }
    defer { activeWorld.withLock { $0?.tearDown(); $0 = nil } }
    let addresses = try world.start()
    let transfer = try NodeTransfer(world: world, addresses: addresses)
    defer { close(transfer.listener) }
    _ = try transfer.run(bytes: 16 << 20)  // warm-up: ARP, windows, caches
    // Before the transfers, whose buffers would blur the nodes' resident memory.
    for count in connectionCounts {
        let idle = try transfer.idleConnections(count, world: world)
        print("  \(idle.count) idle connections m1 → m2: set up at \(formatted(idle.setupPerSecond, digits: 0))/s; per connection "
              + "m1 \(formatted(max(0, idle.rssPerConnection.m1), digits: 0)) B, m2 \(formatted(max(0, idle.rssPerConnection.m2), digits: 0)) B "
              + "resident, \(formatted(idle.fdsPerConnection.m1, digits: 1)) + \(formatted(idle.fdsPerConnection.m2, digits: 1)) descriptors; "
              + "closed: descriptors \(idle.fdsBackToBaseline ? "back to baseline" : "NOT back to baseline"), resident "
              + "m1 \(idle.rssBaseline.m1 >> 20) → \(idle.rssAfterClose.m1 >> 20) MiB, m2 \(idle.rssBaseline.m2 >> 20) → \(idle.rssAfterClose.m2 >> 20) MiB")
        results["idle_\(count)_setup_per_s"] = idle.setupPerSecond
        results["idle_\(count)_rss_bytes_per_connection_m1"] = idle.rssPerConnection.m1
        results["idle_\(count)_rss_bytes_per_connection_m2"] = idle.rssPerConnection.m2
        results["idle_\(count)_fds_back_to_baseline"] = idle.fdsBackToBaseline ? 1 : 0
    }
    // CPU per MiB is steadier than MB/s on a machine shared with other work.
    let cpuBefore = (world.cpuSeconds("m1"), world.cpuSeconds("m2"))
    var nodes = 0.0
    for _ in 0..<rounds { nodes = max(nodes, try transfer.run(bytes: total)) }
    let moved = Double(rounds * mebibytes)
    let sender = (world.cpuSeconds("m1") - cpuBefore.0) * 1000 / moved
    let receiver = (world.cpuSeconds("m2") - cpuBefore.1) * 1000 / moved
    print("  two netcon nodes on 127.0.0.1, m1 → m2 via the RPC: \(formatted(nodes, digits: 1)) MB/s "
          + "(daemon CPU per MiB: m1 \(formatted(sender, digits: 1)) ms, m2 \(formatted(receiver, digits: 1)) ms)")
    print("  ratio nodes/lwIP: \(formatted(nodes / raw, digits: 2))")
    results["tcp_one_stream_MBps"] = nodes
    results["tcp_lwip_alone_MBps"] = raw
    results["tcp_cpu_ms_per_MiB_sender"] = sender
    results["tcp_cpu_ms_per_MiB_receiver"] = receiver

    let streams = 8, perStream = max(1, mebibytes / 8) << 20
    let aggregate = try transfer.parallel(streams: streams, bytes: perStream)
    let loopbackAggregate = try LoopbackReference.parallel(streams: streams, bytes: perStream)
    print("  \(streams) streams at once, m1 → m2: \(formatted(aggregate, digits: 1)) MB/s in all; kernel loopback "
          + "\(formatted(loopbackAggregate, digits: 1)) MB/s; ratio \(formatted(aggregate / loopbackAggregate, digits: 2))")
    results["tcp_8_streams_MBps"] = aggregate
    results["tcp_8_streams_loopback_MBps"] = loopbackAggregate

    let dropsBefore = kernelUDPReceiveBufferDrops()
    let many = try transfer.parallel(streams: 200, bytes: 200_000)
    let drops = kernelUDPReceiveBufferDrops() - dropsBefore
    print("  200 connections moving 200 kB each at once: \(formatted(many, digits: 1)) MB/s in all, "
          + "\(formatted(many / nodes, digits: 2)) of one stream's rate; \(drops) datagrams dropped by full receive buffers")
    results["tcp_200_connections_underlay_drops"] = Double(drops)
    results["tcp_200_connections_MBps"] = many

    let rounds = 5_000
    let times = try transfer.roundTrips(rounds)
    let loopbackTimes = try LoopbackReference.roundTrips(rounds)
    print("  1-byte request/response, \(rounds) rounds: p50 \(formatted(percentile(times, 0.5), digits: 0)) µs, "
          + "p99 \(formatted(percentile(times, 0.99), digits: 0)) µs; kernel loopback p50 "
          + "\(formatted(percentile(loopbackTimes, 0.5), digits: 0)) µs, p99 \(formatted(percentile(loopbackTimes, 0.99), digits: 0)) µs")
    results["rr_p50_us"] = percentile(times, 0.5)
    results["rr_p99_us"] = percentile(times, 0.99)
    results["rr_loopback_p50_us"] = percentile(loopbackTimes, 0.5)
    results["rr_loopback_p99_us"] = percentile(loopbackTimes, 0.99)

    for (index, size) in [64, 1400].enumerated() {
        let udp = try transfer.udpFlood(size: size, seconds: 2, port: 7100 + UInt16(index))
        print("  UDP \(size)-byte datagrams m1 → m2: sent \(formatted(udp.sentPerSecond / 1000, digits: 1)) k/s, received "
              + "\(formatted(udp.receivedPerSecond / 1000, digits: 1)) k/s (\(formatted(udp.receivedPerSecond * Double(size) / 1e6, digits: 1)) MB/s), "
              + "lost \(formatted(udp.loss * 100, digits: 1)) %")
        results["udp_\(size)B_sent_per_s"] = udp.sentPerSecond
        results["udp_\(size)B_received_per_s"] = udp.receivedPerSecond
        results["udp_\(size)B_loss"] = udp.loss
    }

}

/// Runs one part of the bench; a failure is one line on stderr and exit 1, children stopped and homes removed.
func orExit(_ part: () throws -> Void) {
    do {
        try part()
    } catch {
        printError("NetconBench: \(error)")
        tearDownAndExit(1)
    }
}

/// Every figure printed, by name, for `--json FILE`.
nonisolated(unsafe) var results: [String: Double] = [:]

func writeResults(to path: String) {
    let body = results.keys.sorted().map { "  \"\($0)\": \(results[$0]!)" }.joined(separator: ",\n")
    let text = "{\n\(body)\n}\n"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { printError("NetconBench: cannot write \(path)"); return }
    _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
    close(fd)
    print("results written to \(path)")
}

func main() {
    var parts = Set(["armor", "tcp", "exec", "loss"])
    var mebibytes = 256, rounds = 3
    var lossSizes = [4, 64], losses = [0.01, 0.03, 0.05], lossDeadline = 120
    var duplicate = 0.02, reorder = 0.10
    var connectionCounts = [10_000]
    var soakSeconds = 180
    var soakFaults: String?
    var soakMebibytes = 32
    var executable = siblingNetcon()
    var jsonPath: String?
    var arguments = CommandLine.arguments.dropFirst()
    while let argument = arguments.popFirst() {
        switch argument {
        case "armor", "tcp", "exec", "loss", "soak": parts = [argument]
        case "--soak-seconds": soakSeconds = arguments.popFirst().flatMap { Int($0) }.map { max(5, $0) } ?? soakSeconds
        case "--soak-faults": soakFaults = arguments.popFirst().flatMap { $0.isEmpty ? nil : $0 }
        case "--soak-mib": soakMebibytes = arguments.popFirst().flatMap { Int($0) }.map { max(1, $0) } ?? soakMebibytes
        case "--loss-mib": lossSizes = arguments.popFirst().map { $0.split(separator: ",").compactMap { Int($0) } } ?? lossSizes
        case "--loss-rates": losses = arguments.popFirst().map { $0.split(separator: ",").compactMap { Double($0) } } ?? losses
        case "--loss-deadline": lossDeadline = arguments.popFirst().flatMap { Int($0) } ?? lossDeadline
        case "--loss-duplicate": duplicate = arguments.popFirst().flatMap { Double($0) } ?? duplicate
        case "--loss-reorder": reorder = arguments.popFirst().flatMap { Double($0) } ?? reorder
        case "--mib": mebibytes = arguments.popFirst().flatMap { Int($0) }.map { max(1, $0) } ?? mebibytes
        case "--rounds": rounds = arguments.popFirst().flatMap { Int($0) }.map { max(1, $0) } ?? rounds
        case "--netcon": executable = arguments.popFirst() ?? executable
        case "--json": jsonPath = arguments.popFirst()
        case "--connections": connectionCounts = arguments.popFirst().map { $0.split(separator: ",").compactMap { Int($0) } } ?? connectionCounts
        default:
            printError("usage: NetconBench [armor|tcp|exec|loss|soak] [--soak-seconds S] [--soak-faults SPEC] [--soak-mib N] [--mib N] [--rounds N] [--netcon PATH] "
                       + "[--loss-mib 4,64] [--loss-rates 0.01,0.03,0.05] [--loss-deadline S] [--loss-duplicate 0.02] [--loss-reorder 0.1] [--connections N,N] [--json FILE]")
            exit(64)
        }
    }
    // Generous: setting up the world takes seconds, a transfer at 10 MB/s would take 26 s for 256 MiB.
    let lossSeconds = parts.contains("loss") ? losses.count * (60 + lossSizes.count * 3 * lossDeadline) : 0
    let descriptors = raiseOwnDescriptorLimit()
    // This process holds both ends' descriptors of every idle connection.
    let fitting = (descriptors - 500) / 2
    if let most = connectionCounts.max(), most > fitting {
        printError("NetconBench: \(most) idle connections need \(2 * most + 500) descriptors here, the limit is "
                   + "\(descriptors) (root raises it): measuring \(fitting)")
        connectionCounts = Array(Set(connectionCounts.map { min($0, fitting) })).sorted()
    }
    let soakDeadline = parts.contains("soak") ? soakSeconds + 240 + soakMebibytes * 4 : 0
    installGuards(deadlineSeconds: 120 + mebibytes * (rounds + 1) / 5 + lossSeconds + soakDeadline)
    if parts.contains("armor") { armorBench() }
    if parts.contains("tcp") {
        orExit { try tcpBench(mebibytes: mebibytes, rounds: rounds, executable: executable, connectionCounts: connectionCounts) }
    }
    if parts.contains("loss") {
        orExit { try lossBench(executable: executable, sizes: lossSizes, losses: losses, duplicate: duplicate, reorder: reorder,
                                   deadlineSeconds: lossDeadline) }
    }
    if parts.contains("soak") {
        orExit { try Soak(seconds: soakSeconds, faults: soakFaults, transferBytes: soakMebibytes << 20).run(executable: executable) }
    }
    if parts.contains("exec") {
        orExit { try execBench(rounds: rounds, executable: executable) }
    }
    if let jsonPath { writeResults(to: jsonPath) }
}

main()
