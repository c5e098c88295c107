import CNetconSys
import Glibc
import NetconRPC

/// Several streams at once and request/response round trips between the two members, next to the same
/// workloads over the kernel's loopback TCP (the reference a program on one machine would get).
extension NodeTransfer {
    /// `count` connections m1 → m2, each moving `bytes` of the checked pattern at the same time; the
    /// aggregate rate in MB/s.
    func parallel(streams count: Int, bytes: Int) throws -> Double {
        try parallelStreams(count, bytes: bytes, connect: connectPair)
    }

    /// One-byte requests answered with one byte, `rounds` times on one connection: round-trip times in µs.
    func roundTrips(_ rounds: Int) throws -> [Double] { try timedRoundTrips(rounds, connect: connectPair) }

    func connectPair() throws -> (client: CInt, accepted: CInt) {
        let pair = try connectThroughNodes(from: from, to: ipv4Bytes(toAddress), port: Self.port, listener: listener)
        setTimeouts(pair.accepted, seconds: 1)
        return pair
    }
}

/// A connection from the node at `rpcPath` to `address`:`port` and its other end, taken from `listener` (the
/// other node's listener for that port); both with 30 s timeouts.
func connectThroughNodes(from rpcPath: String, to address: [UInt8], port: UInt16, listener: CInt) throws
    -> (client: CInt, accepted: CInt) {
    let client = try connectThroughNode(from: rpcPath, to: address, port: port)
    do {
        return (client, try acceptThroughNode(listener))
    } catch {
        close(client)
        throw error
    }
}

/// A TCP connection the node at `rpcPath` made to `address`:`port` (30 s timeouts).
func connectThroughNode(from rpcPath: String, to address: [UInt8], port: UInt16) throws -> CInt {
    let connect = try rpc(rpcPath, .tcpConnect(remote: RPCEndpoint(address: .init(v4: address), port: port), domain: .inet,
                                               options: .init()))
    guard connect.reply.error == 0, let client = connect.descriptor else {
        throw BenchFailure("TCP_CONNECT failed: errno \(connect.reply.error)")
    }
    setTimeouts(client, seconds: 30)
    return client
}

/// The next connection a node's listener (its RPC descriptor) hands over (30 s timeouts).
func acceptThroughNode(_ listener: CInt) throws -> CInt {
    var header = [UInt8](repeating: 0, count: 256)
    var accepted: CInt = -1
    guard netcon_receive_descriptor(listener, &header, header.count, &accepted) > 0, accepted >= 0 else {
        throw BenchFailure("nothing accepted: errno \(errno)")
    }
    setTimeouts(accepted, seconds: 30)
    return accepted
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

    static func parallel(streams count: Int, bytes: Int) throws -> Double { try parallelStreams(count, bytes: bytes, connect: pair) }

    static func roundTrips(_ rounds: Int) throws -> [Double] { try timedRoundTrips(rounds, connect: pair) }
}

/// `count` connections from `connect`, each moving `bytes` of the checked pattern at the same time; the
/// aggregate rate in MB/s.
private func parallelStreams(_ count: Int, bytes: Int, connect: () throws -> (client: CInt, accepted: CInt)) throws -> Double {
    var pairs: [(client: CInt, accepted: CInt)] = []
    defer { for pair in pairs { close(pair.client); close(pair.accepted) } }
    for _ in 0..<count { pairs.append(try connect()) }
    let start = monotonicMilliseconds()
    let results = runThreads(pairs.map { pair in
        { try timedStream(from: pair.client, to: pair.accepted, bytes: bytes, start: start, deadlineSeconds: 300) != nil }
    })
    guard results.allSatisfy({ $0 }) else { throw BenchFailure("a parallel stream failed or stalled") }
    return Double(count * bytes) / 1e6 / (Double(monotonicMilliseconds() - start) / 1000)
}

/// Ping-pong of single bytes on one connection from `connect`: each round trip in µs.
private func timedRoundTrips(_ rounds: Int, connect: () throws -> (client: CInt, accepted: CInt)) throws -> [Double] {
    let pair = try connect()
    defer { close(pair.client); close(pair.accepted) }
    return try pingPong(client: pair.client, server: pair.accepted, rounds: rounds)
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
