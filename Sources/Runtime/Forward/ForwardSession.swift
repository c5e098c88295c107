import ControlPlane
import Glibc
import NetconRPC
import Logging
import RelayProtocols
import ZeroTier

/// `netcon forward`: finds (or embeds) the node, waits for its networks, then relays the rules until SIGINT or
/// SIGTERM. Every rule must start, or none runs.
public struct ForwardSession {
    public struct Options: Sendable {
        public var home: NodeHome
        public var networks: [NetworkID]
        public var join: [NetworkID]
        public var rules: [ForwardRule]
        public var udpIdleSeconds: Int
        public var timeoutSeconds: Int
        /// UDP port of a node started inside this process (0: any free port).
        public var port: UInt16
        public var allowDefaultPlanet: Bool

        public init(home: NodeHome, networks: [NetworkID], join: [NetworkID], rules: [ForwardRule], udpIdleSeconds: Int,
                    timeoutSeconds: Int, port: UInt16, allowDefaultPlanet: Bool) {
            self.home = home
            self.networks = networks
            self.join = join
            self.rules = rules
            self.udpIdleSeconds = udpIdleSeconds
            self.timeoutSeconds = timeoutSeconds
            self.port = port
            self.allowDefaultPlanet = allowDefaultPlanet
        }
    }

    let options: Options
    let logger: Logger
    /// Progress and failures for the person running the command (stderr).
    let progress: @Sendable (String) -> Void
    /// One line per rule once it listens, then "ready" (stdout).
    let announce: (String) -> Void

    public init(options: Options, logger: Logger, progress: @escaping @Sendable (String) -> Void, announce: @escaping (String) -> Void) {
        self.options = options
        self.logger = logger
        self.progress = progress
        self.announce = announce
    }

    public func run() throws(NetconError) {
        try RelayRun(home: options.home, port: options.port, allowDefaultPlanet: options.allowDefaultPlanet, logger: logger,
                     progress: progress).run(networks: options.networks, join: options.join, timeoutSeconds: options.timeoutSeconds) {
            loop, networks, stop throws(NetconError) in
            let service = ForwardService(home: options.home, loop: loop, logger: logger, udpIdleSeconds: options.udpIdleSeconds)
            service.onLost = { rule in stop(.listenUnavailable("\(rule): the node closed its socket (did it stop?)")) }
            do throws(NetconError) {
                for rule in options.rules {
                    let local = try service.start(rule)
                    announce(Self.line(rule, listening: local, networks: networks))
                }
            } catch {
                service.closeAll()
                throw error
            }
            announce("ready")
            return { service.closeAll() }
        }
    }

    /// `expose tcp:8080=127.0.0.1:80: members connect to 10.147.20.5:8080, relayed to 127.0.0.1:80`
    static func line(_ rule: ForwardRule, listening local: RPCEndpoint, networks: [NetworkStatus]) -> String {
        switch rule.direction {
        case .expose:
            let addresses = local.address.map { ["\($0)"] } ?? networks.flatMap(\.assignedAddresses).map { String($0.split(separator: "/")[0]) }
            let reach = addresses.map { EndpointText.format(RPCEndpoint(address: RPCAddress(text: $0), port: local.port)) }
            return "\(rule): members connect to \(reach.joined(separator: ", ")), relayed to \(EndpointText.format(rule.target))"
        case .publish:
            return "\(rule): host programs connect to \(EndpointText.format(local)), relayed to \(EndpointText.format(rule.target))"
        }
    }
}
