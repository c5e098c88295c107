import CNetconSys
import Glibc
import NetconRPC

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
        // A node has 32,768 local ports towards one endpoint (as a kernel has about 28,000): beyond 24,000
        // connections they spread over more listening ports of the other member.
        var listeners: [(port: UInt16, fd: CInt)] = [(Self.port, listener)]
        defer { for extra in listeners.dropFirst() { close(extra.fd) } }
        for index in 1..<max(1, (count + 23_999) / 24_000) {
            let port = Self.port + UInt16(index)
            let listen = try rpc(to, .tcpListen(local: RPCEndpoint(address: nil, port: port), domain: .inet, backlog: 4,
                                                listenHost: false, v6Only: false))
            guard listen.reply.error == 0, let fd = listen.descriptor else { throw BenchFailure("TCP_LISTEN on \(port) failed") }
            setTimeouts(fd, seconds: 30)
            listeners.append((port, fd))
        }
        let start = monotonicMilliseconds()
        var failure: Error?
        do {
            for index in 0..<count {
                let target = listeners[index % listeners.count]
                let pair = try connectThroughNodes(from: from, to: ipv4Bytes(toAddress), port: target.port, listener: target.fd)
                setTimeouts(pair.accepted, seconds: 1)
                pairs.append(pair)
            }
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

func readText(_ path: String) throws -> String { String(decoding: try readFile(path), as: UTF8.self) }
