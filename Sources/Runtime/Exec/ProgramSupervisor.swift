import CNetconIntercept
import Glibc
import SystemPackage

/// Runs the program of `netcon exec` as netcon's child and makes it look like netcon itself to whoever
/// started netcon: same terminal, same stdin, signals passed on, its exit status returned.
///
/// The child shares netcon's process group, so a terminal's Ctrl-C reaches it directly; signals the
/// kernel raised are therefore not passed on again, only those another process sent to netcon.
public final class ProgramSupervisor {
    /// Passed on to the program.
    public static let forwardedSignals: [CInt] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]
    /// Signals that mean "stop": if the program is still there this long after one, it is killed.
    static let stopSignals: Set<CInt> = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    static let stopGraceMilliseconds: Int64 = 10_000

    private let signals: SignalSource

    /// Blocks the forwarded signals and SIGCHLD for the calling thread and every thread it starts later:
    /// call before any other thread exists (the embedded node's threads must not take them).
    public init() throws(NetconError) {
        do {
            signals = try SignalSource(Self.forwardedSignals + [SIGCHLD])
        } catch {
            throw .io(path: "signalfd", errno: error)
        }
    }

    /// Starts `program` with `command`'s arguments and `environment` and waits for it: under the seccomp filter
    /// (served by the supervisor thread) when `filtered`. Returns its exit status, or 128 + N when signal N ended it.
    func run(_ program: ProgramImage, _ command: [String], environment: [String: String], filtered: Bool) throws(NetconError) -> Int32 {
        let child = filtered ? try spawnFiltered(program, command, environment: environment) : try spawn(command, environment: environment)
        var killDeadline: Int64?
        while true {
            if let status = reap(child) { return status }
            var poller = pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0)
            let wait: CInt = killDeadline.map { CInt(clamping: max(0, $0 - monotonicMilliseconds())) } ?? -1
            _ = poll(&poller, 1, wait)
            if let deadline = killDeadline, monotonicMilliseconds() >= deadline {
                kill(child, SIGKILL)
                killDeadline = nil
            }
            for arrival in signals.drainArrivals() where arrival.signal != SIGCHLD {
                guard !arrival.fromKernel else { continue }
                kill(child, arrival.signal)
                if Self.stopSignals.contains(arrival.signal) && killDeadline == nil {
                    killDeadline = monotonicMilliseconds() + Self.stopGraceMilliseconds
                }
            }
        }
    }

    private func spawn(_ command: [String], environment: [String: String]) throws(NetconError) -> pid_t {
        guard let program = command.first else { throw .invalidArgument("no program given (netcon exec -- PROGRAM ARGS...)") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The program starts with nothing blocked and the default action for every signal netcon handles.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in Self.forwardedSignals + [SIGCHLD, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments = command.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in arguments { free(pointer) }
            for pointer in variables { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawnp(&child, program, nil, &attributes, arguments, variables)
        switch result {
        case 0: return child
        case ENOENT: throw .programNotFound(program)
        default: throw .programNotExecutable(program, reason: Errno(rawValue: result).description)
        }
    }

    private func spawnFiltered(_ program: ProgramImage, _ command: [String], environment: [String: String]) throws(NetconError) -> pid_t {
        let arguments = command.map { strdup($0) } + [nil]
        let variables = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in arguments { free(pointer) }
            for pointer in variables { free(pointer) }
        }
        let defaults = Self.forwardedSignals + [SIGCHLD, SIGPIPE]
        var child: pid_t = 0
        var stage = NETCON_SPAWN_START
        let result = netcon_spawn_supervised(program.path, arguments, variables, defaults, CInt(defaults.count), &child, &stage)
        guard result != 0 else { return child }
        let reason = Errno(rawValue: result).description
        switch stage {
        case NETCON_SPAWN_FILTER: throw .interceptionUnavailable("the kernel refused netcon's seccomp filter: \(reason)")
        case NETCON_SPAWN_EXEC where result == ENOENT: throw .programNotFound(command[0])
        case NETCON_SPAWN_EXEC: throw .programNotExecutable(program.path, reason: reason)
        default: throw .io(path: "fork", errno: Errno(rawValue: result))
        }
    }

    /// The exit status once the child is gone.
    private func reap(_ child: pid_t) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(child, &status, WNOHANG)
        guard result == child else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
