import CNetconSys
import Glibc
import NetconRPC
import Synchronization

/// `make soak`: many short connections and long transfers at once between two nodes for a bounded time, every
/// byte checked, the daemons' resident memory and descriptors sampled every second. It fails when a byte
/// differs, a connection fails, memory grows past the bound or descriptors stay behind once everything closed.
struct Soak {
    let seconds: Int
    /// NETCON_TEST_UNDERLAY_FAULTS for both members, if any (`make soak SOAK_FAULTS=…`).
    var faults: String?
    var transferBytes = 32 << 20
    static let longWorkers = 2
    static let shortWorkers = 6
    static let requestBytes = 512
    /// Growth allowed from the sample taken a tenth of the way in to the last one: what warm-up leaves (buffers
    /// that grow to the traffic's size once) is not growth.
    static let residentGrowthBound = 16 << 20

    struct Counts {
        var transfers = 0
        var transferredBytes = 0
        var requests = 0
        var failures: [String] = []
    }

    func run(executable: String) throws {
        let world = try BenchWorld(executable: executable,
                                   memberEnvironment: faults.map { ["NETCON_TEST_UNDERLAY_FAULTS=\($0)"] } ?? [])
        activeWorld.withLock { $0 = world }
        defer { activeWorld.withLock { $0?.tearDown(); $0 = nil } }
        let addresses = try world.start()
        let m1 = world.home("m1") + "/rpc.sock", m2 = world.home("m2") + "/rpc.sock"
        let m1Address = ipv4Bytes(addresses["m1"]!), m2Address = ipv4Bytes(addresses["m2"]!)
        print("soak for \(seconds) s: \(Self.longWorkers) streams of \(transferBytes >> 20) MiB after another (one each way) and "
              + "\(Self.shortWorkers) clients of \(Self.requestBytes)-byte request/response connections m1 → m2"
              + (faults.map { ", over \($0)" } ?? ""))

        let counts = Mutex(Counts())
        let stop = Atomic<Bool>(false)
        var listeners = [CInt]()
        // The second long worker goes the other way: m2 connects to m1.
        let servers = (0..<(Self.longWorkers + Self.shortWorkers)).map { $0 == 1 ? m1 : m2 }
        for (index, server) in servers.enumerated() {
            let listen = try rpc(server, .tcpListen(local: RPCEndpoint(address: nil, port: 7300 + UInt16(index)), domain: .inet,
                                                backlog: 8, listenHost: false, v6Only: false))
            guard listen.reply.error == 0, let listener = listen.descriptor else { throw BenchFailure("TCP_LISTEN failed") }
            setTimeouts(listener, seconds: 30)
            listeners.append(listener)
        }
        defer { for fd in listeners { close(fd) } }
        let before = ["m1", "m2"].map { world.descriptorCount($0) }
        let workers = listeners.enumerated().map { index, listener in
            let long = index < Self.longWorkers
            let port = 7300 + UInt16(index)
            let (origin, target) = servers[index] == m1 ? (m2, m1Address) : (m1, m2Address)
            let deadline = max(120, (transferBytes >> 20) * 4)
            return { () throws -> Bool in
                while !stop.load(ordering: .relaxed) {
                    do {
                        if !long {
                            // As clients do: the request right after connect (its segment completes the handshake
                            // even when the handshake's last ACK was lost), then the server's side of it.
                            try Self.requestResponse(from: origin, to: target, port: port, listener: listener)
                            counts.withLock { $0.requests += 1 }
                            continue
                        }
                        let (client, accepted) = try connectThroughNodes(from: origin, to: target, port: port, listener: listener)
                        defer { close(client); close(accepted) }
                        guard try timedStream(from: client, to: accepted, bytes: transferBytes, start: monotonicMilliseconds(),
                                              deadlineSeconds: deadline) != nil else { throw BenchFailure("a transfer stalled") }
                        counts.withLock { $0.transfers += 1; $0.transferredBytes += transferBytes }
                    } catch {
                        counts.withLock { $0.failures.append("\(error)") }
                        return false
                    }
                }
                return true
            }
        }
        let finished = runThreadsAsync(workers)

        var samples: [(resident: [Int], descriptors: [Int])] = []
        for _ in 0..<seconds {
            sleep(1)
            samples.append((["m1", "m2"].map { world.residentBytes($0) }, ["m1", "m2"].map { world.descriptorCount($0) }))
            if !counts.withLock({ $0.failures.isEmpty }) { break }
        }
        stop.store(true, ordering: .relaxed)
        let outcomes = finished()

        // Everything is closed: the daemons' descriptors go back to where they were.
        var after = before
        for _ in 0..<100 {
            after = ["m1", "m2"].map { world.descriptorCount($0) }
            if zip(after, before).allSatisfy({ $0 <= $1 }) { break }
            usleep(100_000)
        }
        let result = counts.withLock { $0 }
        let early = samples[min(samples.count - 1, max(0, samples.count / 10))].resident
        let last = samples.last!.resident
        let peak = (0..<2).map { node in samples.map { $0.resident[node] }.max()! }
        let mostDescriptors = (0..<2).map { node in samples.map { $0.descriptors[node] }.max()! }
        let megabytes = { (bytes: Int) in formatted(Double(bytes) / 1_048_576, digits: 1) }
        print("  \(result.transfers) transfers (\(result.transferredBytes >> 20) MiB, every byte checked), "
              + "\(result.requests) short connections, \(result.failures.count) failures")
        for (index, name) in ["m1", "m2"].enumerated() {
            print("  \(name): resident \(megabytes(early[index])) MiB at \(max(1, samples.count / 10)) s, \(megabytes(last[index])) MiB at the end, "
                  + "peak \(megabytes(peak[index])) MiB; descriptors \(before[index]) before, peak \(mostDescriptors[index]), "
                  + "\(after[index]) after closing")
            results["soak.\(name).resident.early.mib"] = Double(early[index]) / 1_048_576
            results["soak.\(name).resident.end.mib"] = Double(last[index]) / 1_048_576
            results["soak.\(name).descriptors.after"] = Double(after[index])
        }
        results["soak.transfers"] = Double(result.transfers)
        results["soak.requests"] = Double(result.requests)

        var problems = result.failures
        if outcomes.contains(false) && problems.isEmpty { problems.append("a worker failed") }
        for (index, name) in ["m1", "m2"].enumerated() {
            if last[index] - early[index] > Self.residentGrowthBound {
                problems.append("\(name) grew by \(megabytes(last[index] - early[index])) MiB (bound \(Self.residentGrowthBound >> 20) MiB)")
            }
            if after[index] > before[index] { problems.append("\(name) kept \(after[index] - before[index]) descriptors") }
        }
        if result.transfers == 0 || result.requests == 0 { problems.append("nothing moved") }
        guard problems.isEmpty else { throw BenchFailure("soak failed: " + problems.joined(separator: "; ")) }
        print("  soak passed: no byte lost or changed, memory within \(Self.residentGrowthBound >> 20) MiB, no descriptor left")
    }

    /// A connection carrying one request of the pattern, sent as soon as it is connected and answered with the
    /// same bytes, both checked.
    static func requestResponse(from origin: String, to address: [UInt8], port: UInt16, listener: CInt) throws {
        let client = try connectThroughNode(from: origin, to: address, port: port)
        defer { close(client) }
        let request = Array(PatternStream.pattern[0..<requestBytes])
        guard sendAll(client, request) else { throw BenchFailure("sending a request failed (errno \(errno))") }
        let server = try acceptThroughNode(listener)
        defer { close(server) }
        guard readExactly(server, requestBytes) == request, sendAll(server, request), readExactly(client, requestBytes) == request else {
            throw BenchFailure("a request/response exchange failed or changed bytes (errno \(errno))")
        }
    }

    static func sendAll(_ fd: CInt, _ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, bytes.count - done, netcon_msg_nosignal) }
            guard sent > 0 else { return false }
            done += sent
        }
        return true
    }

    static func readExactly(_ fd: CInt, _ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, count - done) }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }
}
