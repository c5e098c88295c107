import ControlPlane
import Glibc
import Logging
import ZeroTier

/// The node a command works through (`exec`, `forward`, `proxy`): the home's running daemon, or, when none runs,
/// a node started inside this process that stops with the command; and the networks the command needs, joined if
/// asked and waited for until they have their addresses.
final class NodeAttachment {
    let control: NodeControl
    private let embedded: EmbeddedNode?

    /// - Parameter progress: lines for the person running the command (stderr).
    init(home: NodeHome, port: UInt16, allowDefaultPlanet: Bool, logger: Logger, progress: @escaping @Sendable (String) -> Void) throws(NetconError) {
        control = NodeControl(home: home)
        guard try !control.isDaemonRunning() else {
            embedded = nil
            return
        }
        try home.prepare()
        progress("netcon: no node runs for \(home.path); starting one inside this process")
        let node = EmbeddedNode(options: Daemon.Options(home: home, port: port, allowDefaultPlanet: allowDefaultPlanet),
                                logger: logger, announce: { progress("netcon: " + $0) })
        embedded = node
        do throws(NetconError) {
            try Self.waitUntilServing(node, control: control)
        } catch {
            node.stop()
            throw error
        }
    }

    /// Stops a node started here; the daemon's is left alone.
    func detach() { embedded?.stop() }

    /// Joins `join`, then waits until each of `networks` and `join` (every joined network when both are empty)
    /// is ready. `.networkNotJoined` when there is nothing to wait for.
    func readyNetworks(_ networks: [NetworkID], join: [NetworkID], timeoutSeconds: Int,
                       progress: @escaping (String) -> Void) throws(NetconError) -> [NetworkStatus] {
        let home = control.home.path
        for network in join { _ = try control.join(network) }
        var wanted = networks + join.filter { !networks.contains($0) }
        if wanted.isEmpty { wanted = try control.status().networks.map(\.id) }
        guard !wanted.isEmpty else {
            throw .networkNotJoined("\(home) has joined no network: use --join NWID (or `netcon join`)")
        }
        let joined = Set(try control.status().networks.map(\.id))
        for network in wanted where !joined.contains(network) {
            throw .networkNotJoined("\(network) is not joined by \(home): use --join \(network)")
        }
        var ready: [NetworkStatus] = []
        for network in wanted {
            ready.append(try control.waitUntilReady(network, timeoutSeconds: timeoutSeconds) { current in
                progress("netcon: \(current.id) \(current.state.rawValue)")
            })
        }
        return ready
    }

    private static func waitUntilServing(_ node: EmbeddedNode, control: NodeControl) throws(NetconError) {
        // Generating a first identity takes seconds; the deadline is generous.
        let deadline = monotonicMilliseconds() + 120_000
        while monotonicMilliseconds() < deadline {
            if let failure = node.failure { throw failure }
            if node.hasStopped { break }
            if (try? control.isDaemonRunning()) == true { return }
            usleep(50_000)
        }
        throw .daemonNotRunning(home: control.home.path)
    }
}
