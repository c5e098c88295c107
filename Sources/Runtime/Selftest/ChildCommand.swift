import Glibc
import Synchronization

/// A short-lived `netcon …` child of the selftest (e.g. `netcon exec -- netcon selftest-probe …`) with its
/// stdout and stderr in a file. It leads a process group of its own, so a timeout kills the program that
/// `netcon exec` started along with it.
final class ChildCommand {
    let pid: pid_t
    let outputPath: String
    /// The exit status (128+N for signal N) once it ended; -1 if killed by `stop`.
    private(set) var status: CInt?

    /// Every group still running, for the interrupt watcher's teardown.
    static let running = Mutex<Set<pid_t>>([])

    init(executable: String, arguments: [String], output: String) throws(SelftestFailure) {
        outputPath = output
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        // The selftest blocks SIGINT/SIGTERM/SIGHUP for its watcher; its children start with nothing blocked.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let settings = ["NETCON_FORBID_DEFAULT_PLANET=1", "PATH=/usr/bin:/bin"]
        var environment: [UnsafeMutablePointer<CChar>?] = settings.map { strdup($0) } + [nil]
        defer { for pointer in environment { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, &argv, &environment)
        guard result == 0 else { throw SelftestFailure("cannot start \(executable): \(String(cString: strerror(result)))") }
        pid = child
        _ = Self.running.withLock { $0.insert(child) }
    }

    /// Whether it still runs (reaps it if it exited).
    var isRunning: Bool {
        guard status == nil else { return false }
        var raw: CInt = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
        settle(raw)
        return false
    }

    /// Its exit status once it ends, within `seconds`; otherwise its whole group is killed and nil returned.
    @discardableResult
    func wait(seconds: Int) -> CInt? {
        let deadline = monotonicMilliseconds() + Int64(seconds) * 1000
        while isRunning {
            guard monotonicMilliseconds() < deadline else {
                stop()
                return nil
            }
            usleep(20_000)
        }
        return status
    }

    /// Kills its group if it still runs.
    func stop() {
        if isRunning {
            kill(-pid, SIGKILL)
            var raw: CInt = 0
            waitpid(pid, &raw, 0)
            status = -1
        }
        _ = Self.running.withLock { $0.remove(pid) }
    }

    /// What it printed so far.
    var output: String {
        let fd = open(outputPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// How it ended, for messages.
    var outcome: String {
        switch status {
        case nil: "still running"
        case -1: "killed after its time ran out"
        case let status?: "exit \(status)"
        }
    }

    /// Its last line of output, for failure messages.
    var lastLine: String {
        output.split(separator: "\n").last.map(String.init) ?? "(no output)"
    }

    private func settle(_ raw: CInt) {
        status = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        _ = Self.running.withLock { $0.remove(pid) }
    }

    /// Kills every group still running (interrupt teardown; the groups are this selftest's own children).
    static func killAll() {
        for group in running.withLock({ $0 }) { kill(-group, SIGKILL) }
    }

    deinit { stop() }
}
