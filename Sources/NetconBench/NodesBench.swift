import CNetconSys
import Glibc
import NetconRPC
import Synchronization

/// Part two (b): a private world of real `netcon run` processes on 127.0.0.1 — a root that is also the
/// controller, two members — and TCP between the members' stacks, driven through the RPC the intercept
/// library speaks (the program's side of each virtual socket is a plain descriptor here).
///
/// Every child gets a private planet whose only root is 127.0.0.1 and NETCON_FORBID_DEFAULT_PLANET=1, so
/// nothing ever leaves this machine. `tearDown` (also run by the signal watcher and the deadline, see
/// main.swift) stops every child and deletes the temporary homes.
/// Unchecked Sendable: the lock guards the children and the removal; the rest is set once in `init`.
final class BenchWorld: @unchecked Sendable {
    let base: String
    let executable: String
    private let children = Mutex<(pids: [String: pid_t], tornDown: Bool)>(([:], false))
    private(set) var addresses: [String: String] = [:]
    /// Extra environment of the members' daemons (the test underlay's faults).
    let memberEnvironment: [String]
    static let names = ["root", "m1", "m2"]

    init(executable: String, memberEnvironment: [String] = []) throws {
        self.executable = executable
        self.memberEnvironment = memberEnvironment
        var template = Array("/tmp/netcon-bench-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BenchFailure("cannot create a temporary directory") }
        base = String(cString: made)
    }

    func home(_ name: String) -> String { "\(base)/\(name)" }

    /// Identities, a planet whose root listens on 127.0.0.1, three daemons, a network with both members
    /// authorized and configured. Returns each member's IPv4 address on it.
    func start() throws -> [String: String] {
        guard let rootPort = freeLoopbackPort() else { throw BenchFailure("no free UDP port on 127.0.0.1") }
        for name in Self.names {
            addresses[name] = try netcon(["identity", "create", "--home", home(name)]).lastLine
        }
        _ = try netcon(["planet", "create", "--root", "\(home("root"))@127.0.0.1/\(rootPort)", "-o", "\(base)/planet"])
        let planet = try readFile("\(base)/planet")
        for name in Self.names {
            try writeFile("\(home(name))/planet", planet)
            let port = name == "root" ? rootPort : 0
            let pid = try spawn(["run", "--home", home(name), "--port", String(port), "--log-level", "warning"],
                                environment: name == "root" ? [] : memberEnvironment, stdout: open("\(base)/\(name).log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600))
            children.withLock { $0.pids[name] = pid }
        }
        try waitFor("the daemons' control sockets", seconds: 60) {
            Self.names.allSatisfy { access("\(home($0))/control.sock", F_OK) == 0 }
        }

        let network = try netcon(["network", "create", "--home", home("root"), "--name", "bench", "--pool", "10.147.0.0/24"]).lastLine
        var assigned: [String: String] = [:]
        for member in ["m1", "m2"] {
            _ = try netcon(["member", "authorize", network, addresses[member]!, "--home", home("root")])
            // The last line reads "<nwid> is ready: bench, 10.147.0.x/24".
            let ready = try netcon(["join", network, "--home", home(member), "--timeout", "30"], seconds: 40).lastLine
            guard let ipv4 = ready.split(separator: " ").first(where: { $0.contains(".") && $0.contains("/") }) else {
                throw BenchFailure("\(member) has no IPv4 address: \(ready)")
            }
            assigned[member] = String(ipv4.split(separator: "/")[0])
        }
        // Until the root introduces the members to each other, their packets go through it.
        try waitFor("a direct path m1 → m2", seconds: 30) {
            (try? netcon(["peer", "ping", addresses["m2"]!, "--home", home("m1")]).stdout.contains("direct")) == true
        }
        return assigned
    }

    func pid(_ name: String) -> pid_t? { children.withLock { $0.pids[name] } }

    /// CPU seconds (user + system) the daemon `name` has used so far.
    func cpuSeconds(_ name: String) -> Double {
        guard let pid = children.withLock({ $0.pids[name] }),
              let stat = try? readFile("/proc/\(pid)/stat") else { return 0 }
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        let text = String(decoding: stat, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(CInt(_SC_CLK_TCK)))
    }

    /// SIGTERM to every child, SIGKILL to those still running after 5 s; then the homes go. Idempotent.
    func tearDown() {
        let pids = children.withLock { state -> [pid_t] in
            defer { state.pids = [:]; state.tornDown = true }
            return state.tornDown ? [] : Array(state.pids.values)
        }
        for pid in pids { kill(pid, SIGTERM) }
        for pid in pids {
            var status: CInt = 0
            var reaped = false
            for _ in 0..<100 where !reaped {
                reaped = waitpid(pid, &status, WNOHANG) == pid
                if !reaped { usleep(50_000) }
            }
            if !reaped {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
            }
        }
        removeTree(base)
    }

    /// `netcon ARGS` to completion within `seconds`; its stdout. Throws on a non-zero exit.
    @discardableResult
    func netcon(_ arguments: [String], seconds: Int = 30) throws -> (stdout: String, lastLine: String) {
        let (status, text) = try capture(executable, arguments, seconds: seconds)
        guard status == 0 else {
            let log = String(decoding: (try? readFile("\(base)/commands.log")) ?? [], as: UTF8.self)
            throw BenchFailure("netcon \(arguments.joined(separator: " ")) failed with status \((status >> 8) & 0xff): \(text)\(log.suffix(400))")
        }
        let lines = text.split(separator: "\n")
        return (text, lines.last.map(String.init) ?? "")
    }

    /// `program ARGS` to completion within `seconds`: its wait status and stdout; killed (and thrown) past it.
    private func capture(_ program: String, _ arguments: [String], seconds: Int) throws -> (status: CInt, text: String) {
        var pipeFDs: [CInt] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw BenchFailure("pipe failed") }
        _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)
        let pid: pid_t
        do {
            pid = try spawn(arguments, stdout: pipeFDs[1], program: program)
        } catch {
            close(pipeFDs[0])
            throw error
        }
        defer { close(pipeFDs[0]) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = monotonicMilliseconds() + Int64(seconds) * 1000
        while monotonicMilliseconds() < deadline {
            var poller = pollfd(fd: pipeFDs[0], events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = read(pipeFDs[0], &buffer, buffer.count)
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        var status: CInt = 0
        var exited = waitpid(pid, &status, WNOHANG) == pid
        while !exited && monotonicMilliseconds() < deadline {
            usleep(10_000)
            exited = waitpid(pid, &status, WNOHANG) == pid
        }
        if !exited {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            throw BenchFailure("\(program) \(arguments.joined(separator: " ")) did not finish within \(seconds) s")
        }
        return (status, String(decoding: output, as: UTF8.self))
    }

    /// `netcon ARGS` (or `program ARGS`) left running, its stdout in the commands' log; stop it with `stop`.
    func background(_ arguments: [String], program: String? = nil) throws -> pid_t {
        try spawn(arguments, stdout: open("\(base)/commands.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600), program: program)
    }

    func stop(_ pid: pid_t) {
        kill(pid, SIGTERM)
        var status: CInt = 0
        waitpid(pid, &status, 0)
    }

    /// `program ARGS` to completion within `seconds`: its stdout lines; throws on a non-zero exit.
    func run(_ program: String, _ arguments: [String], seconds: Int = 60) throws -> [String] {
        let (status, text) = try capture(program, arguments, seconds: seconds)
        guard status == 0 else { throw BenchFailure("\(program) \(arguments.joined(separator: " ")) failed (\(status)): \(text)") }
        return text.split(separator: "\n").map(String.init)
    }

    /// Starts `netcon ARGS` (or `program ARGS`) with `stdout` (closed here) as its stdout and the commands' log
    /// as stderr, in an environment of its own: no inherited NETCON_HOME, the public planet forbidden.
    private func spawn(_ arguments: [String], environment extra: [String] = [], stdout: CInt, program: String? = nil) throws -> pid_t {
        defer { close(stdout) }
        guard stdout >= 0 else { throw BenchFailure("cannot open a log in \(base)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_addopen(&actions, 2, "\(base)/commands.log", O_WRONLY | O_CREAT | O_APPEND, 0o600)
        let path = program ?? executable
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let settings: [String] = ["NETCON_FORBID_DEFAULT_PLANET=1", "PATH=/usr/bin:/bin"] + extra
        var environment: [UnsafeMutablePointer<CChar>?] = settings.map { strdup($0) } + [nil]
        defer { for pointer in environment { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, &argv, &environment)
        guard result == 0 else { throw BenchFailure("cannot start \(path): errno \(result)") }
        return pid
    }

    private func waitFor(_ what: String, seconds: Int, _ condition: () -> Bool) throws {
        let deadline = monotonicMilliseconds() + Int64(seconds) * 1000
        while monotonicMilliseconds() < deadline {
            if condition() { return }
            let exited = children.withLock { state in
                state.pids.first { _, pid in var status: CInt = 0; return waitpid(pid, &status, WNOHANG) != 0 }?.key
            }
            if let exited { throw BenchFailure("\(exited)'s daemon exited (log: \(base)/\(exited).log)") }
            usleep(100_000)
        }
        throw BenchFailure("timed out after \(seconds) s waiting for \(what)")
    }
}

/// TCP m1 → m2 through the members' RPC sockets: one listener on m2, a fresh connection per transfer.
/// TCP from one member's stack to the other's, through the RPC as a program's sockets would go.
struct NodeTransfer {
    let from: String
    let to: String
    let toAddress: String
    let listener: CInt
    static let port: UInt16 = 7000

    init(world: BenchWorld, addresses: [String: String], from: String = "m1", to: String = "m2") throws {
        self.from = world.home(from) + "/rpc.sock"
        self.to = world.home(to) + "/rpc.sock"
        toAddress = addresses[to]!
        let listen = try rpc(self.to, .tcpListen(local: RPCEndpoint(address: nil, port: Self.port), domain: .inet, backlog: 4,
                                                 listenHost: false, v6Only: false))
        guard listen.reply.error == 0, let descriptor = listen.descriptor else {
            throw BenchFailure("TCP_LISTEN on \(to) failed: errno \(listen.reply.error)")
        }
        listener = descriptor
        setTimeouts(listener, seconds: 30)
    }

    /// Moves `total` bytes of the checked pattern; the rate in MB/s from the first write to the last byte read.
    func run(bytes total: Int) throws -> Double {
        guard let seconds = try timed(bytes: total, deadlineSeconds: 600) else { throw BenchFailure("transfer stalled") }
        return Double(total) / 1e6 / seconds
    }

    /// Moves `total` bytes; seconds taken (from the connect), nil if not done within `deadlineSeconds`.
    func timed(bytes total: Int, deadlineSeconds: Int) throws -> Double? {
        let start = monotonicMilliseconds()
        let connect = try rpc(from, .tcpConnect(remote: RPCEndpoint(address: .init(v4: ipv4Bytes(toAddress)), port: Self.port),
                                                domain: .inet, options: .init()))
        guard connect.reply.error == 0, let client = connect.descriptor else {
            throw BenchFailure("TCP_CONNECT failed: errno \(connect.reply.error)")
        }
        defer { close(client) }
        var header = [UInt8](repeating: 0, count: 256)
        var accepted: CInt = -1
        guard netcon_receive_descriptor(listener, &header, header.count, &accepted) > 0, accepted >= 0 else {
            throw BenchFailure("nothing accepted: errno \(errno)")
        }
        defer { close(accepted) }
        setTimeouts(client, seconds: deadlineSeconds)
        setTimeouts(accepted, seconds: 1)
        return try timedStream(from: client, to: accepted, bytes: total, start: start, deadlineSeconds: deadlineSeconds)
    }
}

func rpc(_ path: String, _ request: RPCRequest) throws -> (reply: RPCReply, descriptor: CInt?) {
    let fd = netcon_unix_connect_type(path, CInt(SOCK_SEQPACKET.rawValue))
    guard fd >= 0 else { throw BenchFailure("cannot connect to \(path): errno \(errno)") }
    defer { close(fd) }
    setTimeouts(fd, seconds: 30)
    let bytes = request.bytes
    guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw BenchFailure("RPC send failed: errno \(errno)") }
    var buffer = [UInt8](repeating: 0, count: 4096)
    var descriptor: CInt = -1
    let count = netcon_receive_descriptor(fd, &buffer, buffer.count, &descriptor)
    guard count > 0 else { throw BenchFailure("no RPC reply from \(path): errno \(errno)") }
    return (try RPCReply(bytes: buffer[0..<count]), descriptor >= 0 ? descriptor : nil)
}

func setTimeouts(_ fd: CInt, seconds: Int) {
    var timeout = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
}

func ipv4Bytes(_ text: String) -> [UInt8] {
    var address = in_addr()
    _ = inet_pton(AF_INET, text, &address)
    return withUnsafeBytes(of: address) { Array($0) }
}

private func freeLoopbackPort() -> UInt16? {
    let fd = socket(AF_INET, CInt(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    return ok ? UInt16(bigEndian: address.sin_port) : nil
}

func readFile(_ path: String) throws -> [UInt8] {
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
    return result
}

private func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0, write(fd, bytes, bytes.count) == bytes.count else { throw BenchFailure("cannot write \(path)") }
    close(fd)
}

func monotonicMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}

/// Deletes a directory tree (only the bench's own temporary homes).
func removeTree(_ path: String) {
    guard let directory = opendir(path) else { unlink(path); return }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        if name != "." && name != ".." { names.append(name) }
    }
    closedir(directory)
    for name in names {
        let child = path + "/" + name
        var info = stat()
        if lstat(child, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR { removeTree(child) } else { unlink(child) }
    }
    rmdir(path)
}
