import Glibc

/// A `netcon run` child started by the selftest from this very binary; stopped with SIGTERM, then SIGKILL.
final class ChildDaemon {
    let home: NodeHome
    let pid: pid_t

    /// Starts `executable run --home … --port …` with stdout/stderr to `log`, in its own process group.
    init(executable: String, home: NodeHome, port: UInt16, log: String) throws(NetconError) {
        self.home = home
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments = [executable, "run", "--home", home.path, "--port", String(port), "--log-level", "info"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let settings: [String] = ["NETCON_FORBID_DEFAULT_PLANET=1", "PATH=/usr/bin:/bin"]
        var environment: [UnsafeMutablePointer<CChar>?] = settings.map { strdup($0) } + [nil]
        defer { for pointer in environment { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, nil, &argv, &environment)
        guard result == 0 else { throw .io(path: executable, errno: .init(rawValue: result)) }
        pid = child
    }

    /// Whether the child still runs (reaps it if it exited).
    var isRunning: Bool {
        var status: CInt = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// SIGTERM, then waits up to `seconds`; SIGKILL if it did not stop. Returns the exit status, nil if killed.
    @discardableResult
    func stop(seconds: Int = 10) -> CInt? {
        kill(pid, SIGTERM)
        var status: CInt = 0
        for _ in 0..<(seconds * 20) {
            if waitpid(pid, &status, WNOHANG) == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : nil }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        return nil
    }
}
