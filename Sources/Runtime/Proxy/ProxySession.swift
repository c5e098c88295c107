import ControlPlane
import Glibc
import Logging
import NetconRPC
import RelayProtocols
import SystemPackage
import ZeroTier

/// `netcon proxy`: a SOCKS5 and/or HTTP proxy on host ports whose destinations are reached through the node (and
/// the host's network only with `allowHost`), until SIGINT or SIGTERM.
public struct ProxySession {
    public struct Options: Sendable {
        public var home: NodeHome
        public var networks: [NetworkID]
        public var join: [NetworkID]
        public var socks5: RPCEndpoint?
        public var http: RPCEndpoint?
        /// `--user` pairs, to which a credentials file's are added.
        public var credentials: ProxyCredentials
        public var credentialsFile: String?
        public var allowHost: Bool
        public var handshakeTimeoutSeconds: Int
        public var timeoutSeconds: Int
        public var port: UInt16
        public var allowDefaultPlanet: Bool

        public init(home: NodeHome, networks: [NetworkID], join: [NetworkID], socks5: RPCEndpoint?, http: RPCEndpoint?,
                    credentials: ProxyCredentials, credentialsFile: String?, allowHost: Bool, handshakeTimeoutSeconds: Int,
                    timeoutSeconds: Int, port: UInt16, allowDefaultPlanet: Bool) {
            self.home = home
            self.networks = networks
            self.join = join
            self.socks5 = socks5
            self.http = http
            self.credentials = credentials
            self.credentialsFile = credentialsFile
            self.allowHost = allowHost
            self.handshakeTimeoutSeconds = handshakeTimeoutSeconds
            self.timeoutSeconds = timeoutSeconds
            self.port = port
            self.allowDefaultPlanet = allowDefaultPlanet
        }
    }

    let options: Options
    let logger: Logger
    let progress: @Sendable (String) -> Void
    /// One line per proxy once it listens, then "ready" (stdout).
    let announce: (String) -> Void

    public init(options: Options, logger: Logger, progress: @escaping @Sendable (String) -> Void, announce: @escaping (String) -> Void) {
        self.options = options
        self.logger = logger
        self.progress = progress
        self.announce = announce
    }

    public func run() throws(NetconError) {
        var credentials = options.credentials
        if let path = options.credentialsFile { try Self.addCredentials(from: path, to: &credentials) }
        // Names: IP literals need no resolver. The node's resolver answers the joined networks' names (their DNS, as
        // programs under netcon exec get it); the host's is asked only when the host's network may be used at all.
        var resolvers: [any NameResolving] = [NodeNameResolver(lookup: VirtualNameLookup(rpcSocket: options.home.rpcSocket))]
        if options.allowHost { resolvers.append(HostNameResolver()) }
        let context = ProxyContext(
            dialer: ProxyDialer(virtual: VirtualSockets(home: options.home), resolver: NameResolvers(resolvers: resolvers), allowHost: options.allowHost),
            credentials: credentials, handshakeTimeoutMilliseconds: Int64(options.handshakeTimeoutSeconds) * 1000, logger: logger)
        try RelayRun(home: options.home, port: options.port, allowDefaultPlanet: options.allowDefaultPlanet, logger: logger,
                     progress: progress).run(networks: options.networks, join: options.join, timeoutSeconds: options.timeoutSeconds) {
            loop, _, _ throws(NetconError) in
            let workers = RelayWorkers(limit: 128)
            var listeners: [ProxyListener] = []
            let teardown = { for listener in listeners { listener.close() } }
            for (kind, endpoint) in [(ProxyListener.Kind.socks5, options.socks5), (.http, options.http)] {
                guard let endpoint else { continue }
                do throws(Errno) {
                    let listener = try ProxyListener(kind, on: endpoint, loop: loop, context: context, workers: workers)
                    try listener.start()
                    listeners.append(listener)
                } catch {
                    teardown()
                    throw .listenUnavailable("cannot listen for \(kind.rawValue) on \(EndpointText.format(endpoint)): \(error)")
                }
                let name = kind == .socks5 ? "SOCKS5" : "HTTP"
                announce("\(name) proxy on \(EndpointText.format(endpoint))" + (options.allowHost ? " (virtual networks and the host's)" : " (virtual networks only)"))
            }
            announce("ready")
            return teardown
        }
    }

    /// A credentials file must be the user's own and private (0600 or stricter): it holds passwords.
    static func addCredentials(from path: String, to credentials: inout ProxyCredentials) throws(NetconError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .invalidArgument("--credentials \(path): \(Errno(rawValue: errno))") }
        guard info.st_uid == getuid(), info.st_mode & 0o077 == 0 else {
            throw .invalidArgument("--credentials \(path) must be yours and private (chmod 600 \(path)); it is mode \(String(info.st_mode & 0o777, radix: 8))")
        }
        guard let bytes = try HomeFile.read(path, limit: 1 << 20) else { throw .invalidArgument("--credentials \(path): no such file") }
        do {
            try credentials.add(file: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw .invalidArgument("--credentials \(path): \(error.description)")
        }
        guard !credentials.isEmpty else { throw .invalidArgument("--credentials \(path) holds no NAME:PASSWORD line") }
    }
}
