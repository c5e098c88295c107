import CNetconIntercept
import CNetconRPC
import ControlPlane
import Glibc
import Logging
import SystemPackage
import ZeroTier

/// `netcon exec`: finds (or embeds) the node, waits for its networks, then runs the program under netcon's
/// interception (the seccomp filter and its supervisor, or the preload library), so the program's sockets on
/// those networks are served by the node's stacks.
public struct ExecSession {
    public struct Options: Sendable {
        public var home: NodeHome
        /// Networks the program needs (already joined, or joined now with `join`).
        public var networks: [NetworkID]
        public var join: [NetworkID]
        public var isolate: Bool
        public var listenHost: Bool
        public var timeoutSeconds: Int
        /// UDP port of a node started inside this process (0: any free port).
        public var port: UInt16
        public var allowDefaultPlanet: Bool
        public var interception: Interception
        public var command: [String]

        public init(home: NodeHome, networks: [NetworkID], join: [NetworkID], isolate: Bool, listenHost: Bool, timeoutSeconds: Int,
                    port: UInt16, allowDefaultPlanet: Bool, interception: Interception = .auto, command: [String]) {
            self.home = home
            self.networks = networks
            self.join = join
            self.isolate = isolate
            self.listenHost = listenHost
            self.timeoutSeconds = timeoutSeconds
            self.port = port
            self.allowDefaultPlanet = allowDefaultPlanet
            self.interception = interception
            self.command = command
        }
    }

    let options: Options
    let logger: Logger
    /// Lines for the person running netcon exec (stderr: stdout belongs to the program).
    let progress: @Sendable (String) -> Void

    public init(options: Options, logger: Logger, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.logger = logger
        self.progress = progress
    }

    /// Runs the program to its end and returns the exit status netcon should exit with.
    public func run() throws(NetconError) -> Int32 {
        // First, before any thread exists: the program's signals are ours to pass on.
        let supervisor = try ProgramSupervisor()
        let program = try ProgramImage.find(options.command[0], searchPath: getenv("PATH").map { String(cString: $0) })
        let filterError = options.interception == .preload ? nil : Self.filterUnavailability()
        let plan = try InterceptionPlan.decide(options.interception, isolate: options.isolate, program: program,
                                               filterError: filterError)
        if options.interception == .auto, let filterError {
            progress("netcon: \(filterError); using the preload library: static programs \(program.path) starts are not served")
        }
        let library = plan.preload ? try PreloadLibrary.install() : nil
        let node = try NodeAttachment(home: options.home, port: options.port, allowDefaultPlanet: options.allowDefaultPlanet,
                                      logger: logger, progress: progress)
        defer { node.detach() }

        let networks = try node.readyNetworks(options.networks, join: options.join, timeoutSeconds: options.timeoutSeconds,
                                              progress: progress)
        progress("netcon: " + networks.map { "\($0.id) \($0.assignedAddresses.joined(separator: " "))" }.joined(separator: "; "))
        var settings = netcon_intercept_settings()
        settings.isolate = options.isolate
        settings.listen_host = options.listenHost
        settings.debug = getenv("NETCON_DEBUG").map { String(cString: $0) == "1" } ?? false
        options.home.rpcSocket.withCString { path in
            settings.rpc_socket = path
            netcon_intercept_configure(&settings)  // copies the path
        }
        var environment = environment(library: library?.path)
        if plan.preload {
            // The library's way to the node that survives the program's uid changes (the supervisor is that on the
            // seccomp path); the program inherits the descriptor.
            var inode: UInt64 = 0
            let session = netcon_session_start(&inode)
            guard session >= 0 else { throw .io(path: "the exec session's socket", errno: Errno(rawValue: -session)) }
            environment[NETCON_RPC_SESSION_ENV] = "\(session):\(inode)"
        }
        return try supervisor.run(program, options.command, environment: environment, filtered: plan.filter)
    }

    /// Why the seccomp filter cannot be installed here, or nil when it can.
    private static func filterUnavailability() -> String? {
        let error = netcon_intercept_probe()
        guard error != 0 else { return nil }
        return "this kernel or sandbox refuses a seccomp filter with user notification (\(Errno(rawValue: error)))"
    }

    /// The program's environment: the library preloaded (before any the user had) when it is used, and where the
    /// node is.
    private func environment(library: String?) -> [String: String] {
        var environment: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        if let library {
            let inherited = environment["LD_PRELOAD", default: ""]
            environment["LD_PRELOAD"] = inherited.isEmpty ? library : library + ":" + inherited
        }
        environment[NETCON_RPC_SOCKET_ENV] = options.home.rpcSocket
        environment[NETCON_RPC_ISOLATE_ENV] = options.isolate ? "1" : nil
        environment[NETCON_RPC_LISTEN_HOST_ENV] = options.listenHost ? "1" : nil
        return environment
    }
}
