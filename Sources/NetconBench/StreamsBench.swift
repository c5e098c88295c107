import CNetconSys
import Glibc
import NetconRPC

/// Several streams at once and request/response round trips between the two members, next to the same
/// workloads over the kernel's loopback TCP (the reference a program on one machine would get).
extension NodeTransfer {
    /// `count` connections m1 → m2, each moving `bytes` of the checked pattern at the same time; the
    /// aggregate rate in MB/s.
    func parallel(streams count: Int, bytes: Int) throws -> Double {
        var pairs: [(client: CInt, accepted: CInt)] = []
        defer { for pair in pairs { close(pair.client); close(pair.accepted) } }
        for _ in 0..<count { pairs.append(try connectPair()) }
        let start = monotonicMilliseconds()
        let results = runThreads(pairs.map { pair in
            { try timedStream(from: pair.client, to: pair.accepted, bytes: bytes, start: start, deadlineSeconds: 300) != nil }
        })
        guard results.allSatisfy({ $0 }) else { throw BenchFailure("a parallel stream failed or stalled") }
        return Double(count * bytes) / 1e6 / (Double(monotonicMilliseconds() - start) / 1000)
    }

    /// One-byte requests answered with one byte, `rounds` times on one connection: round-trip times in µs.
    func roundTrips(_ rounds: Int) throws -> [Double] {
        let pair = try connectPair()
        defer { close(pair.client); close(pair.accepted) }
        return try pingPong(client: pair.client, server: pair.accepted, rounds: rounds)
    }

    private func connectPair() throws -> (client: CInt, accepted: CInt) {
        let connect = try rpc(from, .tcpConnect(remote: RPCEndpoint(address: .init(v4: ipv4Bytes(toAddress)), port: Self.port),
                                                domain: .inet, options: .init()))
        guard connect.reply.error == 0, let client = connect.descriptor else {
            throw BenchFailure("TCP_CONNECT failed: errno \(connect.reply.error)")
        }
        var header = [UInt8](repeating: 0, count: 256)
        var accepted: CInt = -1
        guard netcon_receive_descriptor(listener, &header, header.count, &accepted) > 0, accepted >= 0 else {
            close(client)
            throw BenchFailure("nothing accepted: errno \(errno)")
        }
        setTimeouts(client, seconds: 30)
        setTimeouts(accepted, seconds: 1)
        return (client, accepted)
    }
}

/// The same two workloads over the kernel's TCP on 127.0.0.1.
enum LoopbackReference {
    static func pair() throws -> (client: CInt, accepted: CInt) {
        let listener = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddrIn("127.0.0.1", 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafeMutablePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(listener, $0, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, $0, &length) == 0 } })
        else { throw BenchFailure("cannot listen on 127.0.0.1") }
        let client = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        guard withUnsafePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(client, $0, length) } }) == 0 else { throw BenchFailure("cannot connect to 127.0.0.1") }
        let accepted = accept(listener, nil, nil)
        var one: CInt = 1
        for fd in [client, accepted] { setsockopt(fd, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size)) }
        setTimeouts(accepted, seconds: 1)
        return (client, accepted)
    }

    static func parallel(streams count: Int, bytes: Int) throws -> Double {
        var pairs: [(client: CInt, accepted: CInt)] = []
        defer { for pair in pairs { close(pair.client); close(pair.accepted) } }
        for _ in 0..<count { pairs.append(try pair()) }
        let start = monotonicMilliseconds()
        let results = runThreads(pairs.map { pair in
            { try timedStream(from: pair.client, to: pair.accepted, bytes: bytes, start: start, deadlineSeconds: 300) != nil }
        })
        guard results.allSatisfy({ $0 }) else { throw BenchFailure("a loopback stream failed") }
        return Double(count * bytes) / 1e6 / (Double(monotonicMilliseconds() - start) / 1000)
    }

    static func roundTrips(_ rounds: Int) throws -> [Double] {
        let pair = try pair()
        defer { close(pair.client); close(pair.accepted) }
        return try pingPong(client: pair.client, server: pair.accepted, rounds: rounds)
    }
}

/// The server thread echoes each byte; the client times each exchange.
private func pingPong(client: CInt, server: CInt, rounds: Int) throws -> [Double] {
    var one: CInt = 1
    setsockopt(client, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size))
    let echo = runThreadsAsync([{
        var byte: UInt8 = 0
        for _ in 0..<rounds {
            guard read(server, &byte, 1) == 1, write(server, &byte, 1) == 1 else { return false }
        }
        return true
    }])
    var times: [Double] = []
    times.reserveCapacity(rounds)
    var byte: UInt8 = 7
    for _ in 0..<rounds {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        guard write(client, &byte, 1) == 1, read(client, &byte, 1) == 1 else { throw BenchFailure("round trip failed") }
        clock_gettime(CLOCK_MONOTONIC, &end)
        times.append(Double(end.tv_sec - start.tv_sec) * 1e6 + Double(end.tv_nsec - start.tv_nsec) / 1e3)
    }
    guard echo().allSatisfy({ $0 }) else { throw BenchFailure("the echo side failed") }
    return times
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// Runs each body on its own thread and waits for all: their results in order (false for a thrown error).
func runThreads(_ bodies: [() throws -> Bool]) -> [Bool] { runThreadsAsync(bodies)() }

/// Starts each body on its own thread; the returned function waits for them and gives their results.
func runThreadsAsync(_ bodies: [() throws -> Bool]) -> () -> [Bool] {
    final class Slot: @unchecked Sendable {
        let body: () throws -> Bool
        var result = false
        init(_ body: @escaping () throws -> Bool) { self.body = body }
    }
    let slots = bodies.map(Slot.init)
    var threads: [pthread_t] = []
    for slot in slots {
        var thread = pthread_t()
        pthread_create(&thread, nil, { context in
            let slot = Unmanaged<AnyObject>.fromOpaque(context!).takeRetainedValue() as! Slot
            slot.result = (try? slot.body()) ?? false
            return nil
        }, Unmanaged<AnyObject>.passRetained(slot).toOpaque())
        threads.append(thread)
    }
    return {
        for thread in threads { pthread_join(thread, nil) }
        return slots.map(\.result)
    }
}

/// Many idle connections at once between the members: how fast they are set up, what each costs the two
/// nodes (resident memory, descriptors), and whether both come back once they are closed.
struct IdleConnectionsResult {
    var count: Int
    var setupPerSecond: Double
    var rssPerConnection: (m1: Double, m2: Double)
    var fdsPerConnection: (m1: Double, m2: Double)
    var fdsBackToBaseline: Bool
    var rssAfterClose: (m1: Int, m2: Int)
    var rssBaseline: (m1: Int, m2: Int)
}

extension NodeTransfer {
    func idleConnections(_ count: Int, world: BenchWorld) throws -> IdleConnectionsResult {
        let before = (world.residentBytes("m1"), world.residentBytes("m2"))
        let fdsBefore = (world.descriptorCount("m1"), world.descriptorCount("m2"))
        var pairs: [(client: CInt, accepted: CInt)] = []
        pairs.reserveCapacity(count)
        let start = monotonicMilliseconds()
        var failure: Error?
        do {
            for _ in 0..<count { pairs.append(try connectPair()) }
        } catch {
            failure = error
        }
        let seconds = Double(monotonicMilliseconds() - start) / 1000
        // Every connection carries a byte both ways, so each is truly established on both nodes.
        var byte: UInt8 = 1
        for pair in pairs {
            _ = write(pair.client, &byte, 1)
            _ = read(pair.accepted, &byte, 1)
        }
        let during = (world.residentBytes("m1"), world.residentBytes("m2"))
        let fdsDuring = (world.descriptorCount("m1"), world.descriptorCount("m2"))
        for pair in pairs { close(pair.client); close(pair.accepted) }
        var fdsAfter = (0, 0)
        for _ in 0..<100 {
            usleep(100_000)
            fdsAfter = (world.descriptorCount("m1"), world.descriptorCount("m2"))
            if fdsAfter.0 <= fdsBefore.0 && fdsAfter.1 <= fdsBefore.1 { break }
        }
        if let failure { throw BenchFailure("after \(pairs.count) connections: \(failure)") }
        let n = Double(max(1, pairs.count))
        return IdleConnectionsResult(
            count: pairs.count, setupPerSecond: Double(pairs.count) / seconds,
            rssPerConnection: (Double(during.0 - before.0) / n, Double(during.1 - before.1) / n),
            fdsPerConnection: (Double(fdsDuring.0 - fdsBefore.0) / n, Double(fdsDuring.1 - fdsBefore.1) / n),
            fdsBackToBaseline: fdsAfter.0 <= fdsBefore.0 && fdsAfter.1 <= fdsBefore.1,
            rssAfterClose: (world.residentBytes("m1"), world.residentBytes("m2")), rssBaseline: before)
    }
}

extension BenchWorld {
    /// Resident set of the daemon `name` in bytes (VmRSS).
    func residentBytes(_ name: String) -> Int {
        guard let pid = pid(name), let status = try? readText("/proc/\(pid)/status"),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return kilobytes * 1024
    }

    /// Open descriptors of the daemon `name`.
    func descriptorCount(_ name: String) -> Int {
        guard let pid = pid(name), let directory = opendir("/proc/\(pid)/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while readdir(directory) != nil { count += 1 }
        return count - 2
    }
}

/// Raises this process's descriptor limits as far as it may (root: to fs.nr_open, so the children inherit
/// room for many connections); the soft limit now in force.
func raiseOwnDescriptorLimit() -> Int {
    var limit = rlimit()
    getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    if getuid() == 0, let text = try? readText("/proc/sys/fs/nr_open"), let most = rlim_t(text.filter(\.isNumber)) {
        var raised = rlimit(rlim_cur: most, rlim_max: most)
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { return Int(most) }
    }
    limit.rlim_cur = limit.rlim_max
    setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    return Int(limit.rlim_cur)
}

func readText(_ path: String) throws -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw BenchFailure("cannot read \(path)") }
    defer { close(fd) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count <= 0 { break }
        result += buffer[0..<count]
    }
    return String(decoding: result, as: UTF8.self)
}

/// UDP m1 → m2 through the members' stacks: datagrams of `size` bytes sent as fast as the sender's socket
/// takes them for `seconds`; what was sent and received per second and the share lost on the way.
extension NodeTransfer {
    func udpFlood(size: Int, seconds: Double, port: UInt16) throws -> (sentPerSecond: Double, receivedPerSecond: Double, loss: Double) {
        let server = try rpc(to, .udpBind(local: RPCEndpoint(address: nil, port: port), domain: .inet, v6Only: false))
        guard server.reply.error == 0, let serverFD = server.descriptor else { throw BenchFailure("UDP_BIND on m2 failed") }
        defer { close(serverFD) }
        let client = try rpc(from, .udpBind(local: RPCEndpoint(address: nil, port: 0), domain: .inet, v6Only: false))
        guard client.reply.error == 0, let clientFD = client.descriptor else { throw BenchFailure("UDP_BIND on m1 failed") }
        defer { close(clientFD) }
        let connected = try rpc(from, .udpConnect(inode: client.reply.inode,
                                                  remote: RPCEndpoint(address: .init(v4: ipv4Bytes(toAddress)), port: port)))
        guard connected.reply.error == 0 else { throw BenchFailure("UDP_CONNECT on m1 failed: errno \(connected.reply.error)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 500_000)
        setsockopt(serverFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var payload = [UInt8](repeating: 0x42, count: size)
        var incoming = [UInt8](repeating: 0, count: 65_536)
        // The first datagrams may wait for ARP: prime the path, then drain.
        for _ in 0..<20 {
            _ = send(clientFD, payload, payload.count, 0)
            if recv(serverFD, &incoming, incoming.count, 0) > 0 { break }
        }
        while recv(serverFD, &incoming, incoming.count, CInt(MSG_DONTWAIT)) > 0 {}

        final class Count: @unchecked Sendable { var value = 0 }
        let received = Count()
        let receiver = runThreadsAsync([{
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while recv(serverFD, &buffer, buffer.count, 0) > 0 { received.value += 1 }
            return true
        }])
        let start = monotonicMilliseconds()
        let end = start + Int64(seconds * 1000)
        var sent = 0
        while monotonicMilliseconds() < end {
            for _ in 0..<64 where send(clientFD, payload, payload.count, 0) == payload.count { sent += 1 }
        }
        let elapsed = Double(monotonicMilliseconds() - start) / 1000
        _ = receiver()  // ends 0.5 s after the last datagram arrived
        return (Double(sent) / elapsed, Double(received.value) / elapsed, sent > 0 ? 1 - Double(received.value) / Double(sent) : 0)
    }
}
