import SystemPackage

/// Everything that stops a netcon command, each with its own exit status (sysexits.h numbering where one
/// fits) so scripts can tell the failures apart. `description` is the one line printed to stderr.
public enum NetconError: Error, Equatable, CustomStringConvertible {
    case daemonNotRunning(home: String)
    case homeUnusable(path: String, reason: String)
    case homeNotCreatable(path: String, reason: String)
    case alreadyRunning(home: String, pid: Int32?)
    case identityCorrupt(path: String, reason: String)
    case noIdentity(home: String)
    case controlSocketNotOwned(path: String, owner: UInt32)
    case controlProtocol(String)
    /// The daemon could not carry a request out (its database could not be written, say); nothing changed.
    case daemonFailed(String)
    case portUnavailable(port: UInt16, reason: String)
    case io(path: String, errno: Errno)
    case planetInvalid(path: String, reason: String)
    case defaultPlanetForbidden(home: String)
    case invalidArgument(String)
    case peerUnreachable(String)
    case notFound(String)
    case networkNotReady(String)
    /// The network a command needs is not joined (or none is): nothing to wait for.
    case networkNotJoined(String)
    case programNotFound(String)
    case programNotExecutable(String, reason: String)
    /// The seccomp interception path cannot be set up here (kernel, container policy) where it was required.
    case interceptionUnavailable(String)
    /// A port forward or proxy cannot listen where it was told to (the port is taken, the address is not ours).
    case listenUnavailable(String)
    /// A file of the home netcon reads its settings from is malformed (`<home>/forwards.conf`).
    case configInvalid(path: String, reason: String)

    public var exitStatus: Int32 {
        switch self {
        case .daemonNotRunning: 1
        case .identityCorrupt, .planetInvalid: 65  // EX_DATAERR
        case .invalidArgument: 64  // EX_USAGE
        case .peerUnreachable: 68  // EX_NOHOST
        case .notFound: 67  // EX_NOUSER
        case .networkNotReady: 62
        case .networkNotJoined: 63
        case .programNotFound: 127  // as a shell reports it
        case .programNotExecutable: 126
        case .interceptionUnavailable: 69  // EX_UNAVAILABLE
        case .defaultPlanetForbidden, .configInvalid: 78  // EX_CONFIG
        case .homeUnusable, .noIdentity: 66  // EX_NOINPUT
        case .portUnavailable, .listenUnavailable: 71  // EX_OSERR
        case .homeNotCreatable: 73  // EX_CANTCREAT
        case .io, .daemonFailed: 74  // EX_IOERR
        case .alreadyRunning: 75  // EX_TEMPFAIL
        case .controlProtocol: 76  // EX_PROTOCOL
        case .controlSocketNotOwned: 77  // EX_NOPERM
        }
    }

    public var description: String {
        switch self {
        case let .daemonNotRunning(home): "no netcon daemon is running for \(home) (start one with `netcon run --home \(home)`)"
        case let .homeUnusable(path, reason): "cannot use home directory \(path): \(reason)"
        case let .homeNotCreatable(path, reason): "cannot create home directory \(path): \(reason)"
        case let .alreadyRunning(home, pid?): "another netcon daemon (pid \(pid)) is already running for \(home)"
        case let .alreadyRunning(home, nil): "another netcon daemon is already running for \(home)"
        case let .identityCorrupt(path, reason): "refusing to start: identity \(path) is invalid (\(reason)); it was left untouched"
        case let .noIdentity(home): "\(home) has no identity yet (run `netcon run --home \(home)` once to create it)"
        case let .controlSocketNotOwned(path, owner): "refusing to use control socket \(path): it is owned by uid \(owner), not by you"
        case let .controlProtocol(why): "control socket: \(why)"
        case let .daemonFailed(why): "the daemon failed: \(why)"
        case let .portUnavailable(port, reason): "cannot bind UDP port \(port): \(reason)"
        case let .io(path, errno): "\(path): \(errno)"
        case let .planetInvalid(path, reason): "planet \(path) is invalid: \(reason)"
        case let .defaultPlanetForbidden(home):
            "\(home) has no planet file and NETCON_FORBID_DEFAULT_PLANET is set: refusing to contact ZeroTier's public roots (create one with `netcon planet create`)"
        case let .invalidArgument(why): why
        case let .peerUnreachable(why): why
        case let .notFound(what): what
        case let .networkNotReady(why): why
        case let .networkNotJoined(why): why
        case let .programNotFound(program): "\(program): command not found"
        case let .programNotExecutable(program, reason): "cannot run \(program): \(reason)"
        case let .interceptionUnavailable(why): why
        case let .listenUnavailable(why): why
        case let .configInvalid(path, reason): "\(path): \(reason)"
        }
    }
}

import ControlPlane

extension ControlFailure {
    /// How a failure inside the daemon travels back to the CLI.
    init(_ error: NetconError) {
        switch error {
        case .notFound(let what): self.init(.notFound, what)
        case .invalidArgument(let why): self.init(.badRequest, why)
        case .peerUnreachable(let why): self.init(.timeout, why)
        default: self.init(.storage, error.description)
        }
    }
}

extension NetconError {
    /// The CLI-side error for a failure the daemon reported.
    init(_ failure: ControlFailure) {
        switch failure.kind {
        case .notFound: self = .notFound(failure.message)
        case .badRequest: self = .invalidArgument(failure.message)
        case .timeout: self = .peerUnreachable(failure.message)
        case .storage: self = .daemonFailed(failure.message)
        case .unsupportedVersion, .internalError: self = .controlProtocol(failure.message)
        }
    }
}
