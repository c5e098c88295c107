import Glibc
import SystemPackage

/// A node's home directory and the files in it. The layout follows ZeroTier One where the concept is
/// shared, so an existing ZeroTier identity or planet can be dropped in:
///
///     identity.secret  identity.public  planet  moons.d/  networks.d/<nwid>.conf
///     netcon.lock  control.sock  rpc.sock  forwards.conf
public struct NodeHome: Sendable, Equatable {
    public let path: String

    /// A relative path is made absolute against the current directory, so every file the node writes
    /// lands in the same place whatever the process's working directory later is.
    public init(path: String) {
        var trimmed = path
        if !trimmed.hasPrefix("/"), let cwd = getcwd(nil, 0) {
            trimmed = String(cString: cwd) + "/" + trimmed
            free(cwd)
        }
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed
    }

    /// `--home`, else `NETCON_HOME`, else `$XDG_STATE_HOME/netcon` (`~/.local/state/netcon`), or
    /// `/var/lib/netcon` for root.
    public static func resolve(explicit: String?, environment: [String: String]) -> NodeHome {
        if let explicit, !explicit.isEmpty { return NodeHome(path: explicit) }
        if let fromEnvironment = environment["NETCON_HOME"], !fromEnvironment.isEmpty {
            return NodeHome(path: fromEnvironment)
        }
        if getuid() == 0 { return NodeHome(path: "/var/lib/netcon") }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return NodeHome(path: state + "/netcon")
        }
        let userHome = environment["HOME"] ?? "/tmp"
        return NodeHome(path: userHome + "/.local/state/netcon")
    }

    public var identitySecret: String { path + "/identity.secret" }
    public var identityPublic: String { path + "/identity.public" }
    public var planet: String { path + "/planet" }
    public var moonsDirectory: String { path + "/moons.d" }
    public var networksDirectory: String { path + "/networks.d" }
    public var lockFile: String { path + "/netcon.lock" }
    public var controlSocket: String { path + "/control.sock" }
    /// Where programs under `netcon exec` reach the node (the intercept library's RPC).
    public var rpcSocket: String { path + "/rpc.sock" }
    /// Port forwards the daemon sets up when it starts (`netcon run`), one rule a line.
    public var forwardsFile: String { path + "/forwards.conf" }

    /// Creates the home (0700) and its subdirectories if missing, and checks it is a usable directory.
    public func prepare() throws(NetconError) {
        try makeDirectory(path, parents: true)
        try requireUsableDirectory()
        try makeDirectory(networksDirectory, parents: false)
        try makeDirectory(moonsDirectory, parents: false)
    }

    /// Checks the home exists and can be read and written, without creating anything.
    public func requireUsableDirectory() throws(NetconError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .homeUnusable(path: path, reason: String(describing: Errno(rawValue: errno)))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .homeUnusable(path: path, reason: "not a directory") }
        guard access(path, R_OK | W_OK | X_OK) == 0 else {
            throw .homeUnusable(path: path, reason: String(describing: Errno(rawValue: errno)))
        }
    }

    public var exists: Bool { access(path, F_OK) == 0 }

    private func makeDirectory(_ directory: String, parents: Bool) throws(NetconError) {
        if access(directory, F_OK) == 0 { return }
        if parents, let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            try makeDirectory(String(directory[..<slash]), parents: true)
        }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw .homeNotCreatable(path: directory, reason: String(describing: Errno(rawValue: errno)))
        }
    }
}
