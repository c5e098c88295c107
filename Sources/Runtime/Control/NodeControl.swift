import Glibc
import ControlPlane
import ZeroTier

/// What the CLI does to a node: through the daemon when one runs, on the home directory when none does.
public struct NodeControl {
    public enum JoinOutcome: Equatable {
        /// A running daemon joined; its view of the network.
        case live(NetworkStatus)
        /// No daemon: recorded in the home; `wasNew` is false if it was already joined.
        case recorded(wasNew: Bool)
    }

    public let home: NodeHome
    private let client: ControlClient

    public init(home: NodeHome) {
        self.home = home
        client = ControlClient(home: home)
    }

    public func join(_ network: NetworkID) throws(NetconError) -> JoinOutcome {
        guard let response = try sendIfRunning(.join(network)) else {
            return .recorded(wasNew: try JoinedNetworks(home: home).join(network))
        }
        guard case .joined(let status) = response else { throw unexpected(response) }
        return .live(status)
    }

    /// Polls the daemon until `network` is OK with an address (or OK on a network that assigns none), calling
    /// `progress` whenever its state changes. Throws `.networkNotReady` after `timeoutSeconds`.
    public func waitUntilReady(_ network: NetworkID, timeoutSeconds: Int, progress: (NetworkStatus) -> Void) throws(NetconError) -> NetworkStatus {
        let deadline = monotonicMilliseconds() + Int64(timeoutSeconds) * 1000
        var last: NetworkStatus?
        while true {
            let node = try status()
            guard let current = node.networks.first(where: { $0.id == network }) else {
                throw .networkNotReady("\(network) is no longer joined")
            }
            if current.state != last?.state || current.assignedAddresses != last?.assignedAddresses { progress(current) }
            last = current
            if current.state == .ok && !current.assignedAddresses.isEmpty { return current }
            if monotonicMilliseconds() >= deadline {
                let hint = switch current.state {
                case .accessDenied: "the controller has not authorized this node (on the controller: netcon member authorize \(network) \(node.address))"
                case .notFound: "the controller does not know this network"
                case .ok: "the network is up but assigned no address"
                default: "no answer from the network's controller \(network.controller)"
                }
                throw .networkNotReady("\(network) not ready after \(timeoutSeconds) s: \(hint)")
            }
            usleep(250_000)
        }
    }

    /// Returns whether the network had been joined.
    public func leave(_ network: NetworkID) throws(NetconError) -> Bool {
        guard let response = try sendIfRunning(.leave(network)) else {
            try home.requireUsableDirectory()
            return try JoinedNetworks(home: home).leave(network)
        }
        guard case .left(_, let wasJoined) = response else { throw unexpected(response) }
        return wasJoined
    }

    /// ECHO round trip to a peer through the running daemon.
    public func ping(_ peer: Address) throws(NetconError) -> PingResult {
        guard let response = try sendIfRunning(.ping(peer)) else { throw .daemonNotRunning(home: home.path) }
        guard case .pong(let result) = response else { throw unexpected(response) }
        return result
    }

    /// ICMP echo from the node's own stack to an address on one of its networks; the round trip in µs.
    public func ipPing(_ address: String) throws(NetconError) -> Int64 {
        guard let response = try sendIfRunning(.ipPing(address)) else { throw .daemonNotRunning(home: home.path) }
        guard case .ipPong(_, let microseconds) = response else { throw unexpected(response) }
        return microseconds
    }

    /// A controller request: through the daemon when it runs (so members get updates at once), else on the
    /// home's controller database directly.
    public func controller(_ request: ControlRequest) throws(NetconError) -> ControlResponse {
        if let response = try sendIfRunning(request) { return response }
        try home.requireUsableDirectory()
        guard let identity = try IdentityStore(home: home).loadPublic() else { throw .noIdentity(home: home.path) }
        let response = try ControllerService(controller: identity.address, store: ControllerFileStore(home: home))
            .handle(request, now: wallClockMilliseconds())
        // A controller that answers a network's names is on it: the daemon joins it when it starts.
        if case .networkSetDNS(let network, _, _, true) = request { _ = try JoinedNetworks(home: home).join(network) }
        return response
    }

    /// The daemon's status, or what the home alone says (with `running == false`) when none runs.
    /// Whether a daemon answers on the home's control socket (the home itself is not read).
    public func isDaemonRunning() throws(NetconError) -> Bool {
        try sendIfRunning(.status) != nil
    }

    public func status() throws(NetconError) -> NodeStatus {
        guard let response = try sendIfRunning(.status) else { return try HomeStatus.read(home) }
        guard case .status(let status) = response else { throw unexpected(response) }
        return status
    }

    private func sendIfRunning(_ request: ControlRequest) throws(NetconError) -> ControlResponse? {
        do throws(NetconError) {
            let response = try client.send(request)
            if case .failure(let failure) = response { throw NetconError(failure) }
            return response
        } catch .daemonNotRunning {
            return nil
        }
    }

    private func unexpected(_ response: ControlResponse) -> NetconError {
        .controlProtocol("unexpected answer from the daemon: \(response)")
    }
}
