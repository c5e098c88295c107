import Glibc
import Synchronization
import UnderlayFaults

/// The kernel's TCP over the same faults as the nodes: two network namespaces, each with a tun device whose
/// packets this process carries to the other through a `FaultInjector` — ZeroTier One's setup (kernel TCP
/// over a tun device with ZeroTier's MTU), with the underlay in between. A packet counts as the datagrams
/// ZeroTier would fragment it into, any one of which lost loses it. Needs root (namespaces, /dev/net/tun).
final class KernelLink: @unchecked Sendable {
    static let mtu = 2800
    static let sinkAddress = "10.201.0.2"
    let names: (String, String)
    private var tunnels: (CInt, CInt) = (-1, -1)
    private var injector: FaultInjector
    private var relay = pthread_t()
    private let stopLock = Mutex<Bool>(false)

    init(faults: UnderlayFaults) throws {
        injector = FaultInjector(faults)
        names = ("ncbench-a-\(getpid())", "ncbench-b-\(getpid())")
        guard getuid() == 0, access("/dev/net/tun", R_OK | W_OK) == 0 else {
            throw BenchFailure("needs root and /dev/net/tun")
        }
        do {
            for (index, name) in [names.0, names.1].enumerated() {
                try run(["ip", "netns", "add", name])
                try run(["ip", "-n", name, "link", "set", "lo", "up"])
                try run(["ip", "-n", name, "tuntap", "add", "dev", "ncb", "mode", "tun"])
                try run(["ip", "-n", name, "addr", "add", "10.201.0.\(index + 1)/24", "dev", "ncb"])
                try run(["ip", "-n", name, "link", "set", "ncb", "mtu", String(Self.mtu), "up"])
            }
            tunnels = (try attach(names.0), try attach(names.1))
        } catch {
            tearDown()
            throw error
        }
        let retained = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&relay, nil, { context in
            Unmanaged<KernelLink>.fromOpaque(context!).takeRetainedValue().carry()
            return nil
        }, retained)
    }

    /// Moves `bytes` from namespace A to B over kernel TCP; seconds taken, nil past `deadline` seconds.
    func transfer(bytes: Int, deadlineSeconds: Int) throws -> Double? {
        let port: UInt16 = 5201
        let listener = try inNamespace(names.1) { () throws -> CInt in
            let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
            var one: CInt = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
            var address = sockaddrIn(Self.sinkAddress, port)
            guard withUnsafePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }) == 0, listen(fd, 1) == 0
            else { close(fd); throw BenchFailure("kernel sink cannot listen: errno \(errno)") }
            return fd
        }
        defer { close(listener) }
        let client = try inNamespace(names.0) { socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0) }
        defer { close(client) }
        let start = monotonicMilliseconds()
        var address = sockaddrIn(Self.sinkAddress, port)
        guard withUnsafePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }) == 0
        else { throw BenchFailure("kernel source cannot connect: errno \(errno)") }
        let accepted = accept(listener, nil, nil)
        guard accepted >= 0 else { throw BenchFailure("kernel sink accepted nothing") }
        defer { close(accepted) }
        return try timedStream(from: client, to: accepted, bytes: bytes, start: start, deadlineSeconds: deadlineSeconds)
    }

    func tearDown() {
        stopLock.withLock { $0 = true }
        if relay != pthread_t() { pthread_join(relay, nil); relay = pthread_t() }
        if tunnels.0 >= 0 { close(tunnels.0) }
        if tunnels.1 >= 0 { close(tunnels.1) }
        tunnels = (-1, -1)
        for name in [names.0, names.1] { try? run(["ip", "netns", "del", name], quiet: true) }
    }

    /// ZeroTier's datagrams for an IP packet of `length` bytes: its FRAME packet (28-byte header with the
    /// verb, network ID, ethertype) in a 1432-byte head and 1416-byte fragments.
    static func zeroTierDatagrams(_ length: Int) -> Int {
        let packet = length + 38
        return packet <= 1432 ? 1 : 1 + (packet - 1432 + 1415) / 1416
    }

    private func carry() {
        var held: [(due: Int64, to: CInt, bytes: [UInt8])] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !stopLock.withLock({ $0 }) {
            var fds = [pollfd(fd: tunnels.0, events: Int16(POLLIN), revents: 0), pollfd(fd: tunnels.1, events: Int16(POLLIN), revents: 0)]
            let now = monotonicMilliseconds()
            let wait = held.first.map { CInt(max(0, $0.due - now)) } ?? 50
            _ = poll(&fds, 2, min(wait, 50))
            for (index, entry) in fds.enumerated() where entry.revents & Int16(POLLIN) != 0 {
                let to = index == 0 ? tunnels.1 : tunnels.0
                for _ in 0..<64 {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count <= 0 { break }
                    let fate = injector.fate(length: count, fragments: Self.zeroTierDatagrams(count))
                    if fate.copies == 0 { continue }
                    var packet = Array(buffer[0..<count])
                    if let bit = fate.corruptedBit { packet[bit / 8] ^= UInt8(1 << (bit % 8)) }
                    for _ in 0..<fate.copies {
                        if fate.delayed {
                            held.append((monotonicMilliseconds() + Int64(injector.faults.reorderDelayMilliseconds), to, packet))
                        } else {
                            _ = write(to, packet, packet.count)
                        }
                    }
                }
            }
            let due = monotonicMilliseconds()
            while let first = held.first, first.due <= due {
                _ = write(first.to, first.bytes, first.bytes.count)
                held.removeFirst()
            }
        }
    }

    private func attach(_ namespace: String) throws -> CInt {
        try inNamespace(namespace) { () throws -> CInt in
            let fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else { throw BenchFailure("cannot open /dev/net/tun: errno \(errno)") }
            var request = ifreq()
            withUnsafeMutableBytes(of: &request.ifr_ifrn.ifrn_name) { name in
                for (index, byte) in "ncb".utf8.enumerated() { name[index] = byte }
            }
            request.ifr_ifru.ifru_flags = 0x0001 | 0x1000  // IFF_TUN | IFF_NO_PI
            guard ioctl(fd, UInt(0x4004_54ca), &request) == 0 else {  // TUNSETIFF
                close(fd)
                throw BenchFailure("TUNSETIFF failed: errno \(errno)")
            }
            return fd
        }
    }
}

/// Runs `body` on a thread that has entered the named network namespace (setns changes only the calling
/// thread's namespace; sockets keep the namespace they were made in).
func inNamespace<T>(_ name: String, _ body: @escaping () throws -> T) throws -> T {
    let task = NamespaceTask(name: name, body: body)
    var thread = pthread_t()
    let retained = Unmanaged<NamespaceThread>.passRetained(task).toOpaque()
    pthread_create(&thread, nil, { context in
        let task = Unmanaged<NamespaceThread>.fromOpaque(context!).takeRetainedValue()
        let fd = open("/run/netns/\(task.name)", O_RDONLY | O_CLOEXEC)
        if fd >= 0, setns(fd, cloneNewNet) == 0 {
            task.run()
        } else {
            task.failed(BenchFailure("cannot enter namespace \(task.name): errno \(errno)"))
        }
        if fd >= 0 { close(fd) }
        return nil
    }, retained)
    pthread_join(thread, nil)
    return try task.result!.get()
}

/// The non-generic face a thread's C entry point can call.
private class NamespaceThread: @unchecked Sendable {
    let name: String
    init(name: String) { self.name = name }
    func run() {}
    func failed(_ error: Error) {}
}

private final class NamespaceTask<T>: NamespaceThread, @unchecked Sendable {
    var result: Result<T, Error>?
    let body: () throws -> T
    init(name: String, body: @escaping () throws -> T) {
        self.body = body
        super.init(name: name)
    }
    override func run() { result = Result { try body() } }
    override func failed(_ error: Error) { result = .failure(error) }
}

@_silgen_name("setns") private func setns(_ fd: CInt, _ type: CInt) -> CInt
private let cloneNewNet: CInt = 0x4000_0000

func sockaddrIn(_ text: String, _ port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    _ = inet_pton(AF_INET, text, &address.sin_addr)
    return address
}

/// Runs a command to completion (no shell); throws on a non-zero exit.
func run(_ arguments: [String], quiet: Bool = false) throws {
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if quiet { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
    var pid: pid_t = 0
    guard posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ) == 0 else {
        throw BenchFailure("cannot run \(arguments[0])")
    }
    var status: CInt = 0
    waitpid(pid, &status, 0)
    guard status == 0 else { throw BenchFailure("\(arguments.joined(separator: " ")) failed") }
}
