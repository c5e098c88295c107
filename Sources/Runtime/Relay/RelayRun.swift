import ControlPlane
import Glibc
import Logging
import SystemPackage
import ZeroTier

/// The life of `netcon forward` and `netcon proxy`: signals taken first (before any thread), the node found or
/// embedded, its networks ready, then the relays on an event loop on this thread until SIGINT, SIGTERM or SIGHUP
/// (or a failure the relays report), then their teardown and the embedded node's stop.
struct RelayRun {
    let home: NodeHome
    let port: UInt16
    let allowDefaultPlanet: Bool
    let logger: Logger
    let progress: @Sendable (String) -> Void

    typealias Stop = (NetconError) -> Void

    /// - Parameter setUp: on the loop (before it runs), with the ready networks and a way to end the run with a
    ///   failure; returns what tears the relays down.
    func run(networks wanted: [NetworkID], join: [NetworkID], timeoutSeconds: Int,
             setUp: (EventLoop, [NetworkStatus], @escaping Stop) throws(NetconError) -> () -> Void) throws(NetconError) {
        let signals: SignalSource
        let loop: EventLoop
        do {
            signals = try SignalSource([SIGINT, SIGTERM, SIGHUP])
            loop = try EventLoop()
        } catch {
            throw .io(path: "signalfd/epoll", errno: error)
        }
        let node = try NodeAttachment(home: home, port: port, allowDefaultPlanet: allowDefaultPlanet, logger: logger, progress: progress)
        defer { node.detach() }
        let networks = try node.readyNetworks(wanted, join: join, timeoutSeconds: timeoutSeconds, progress: progress)

        var failure: NetconError?
        let teardown = try setUp(loop, networks) { error in
            if failure == nil { failure = error }
            loop.stop()
        }
        defer { teardown() }
        do {
            try loop.register(signals.fd, for: .readable) { [logger] _ in
                for signal in signals.drain() {
                    logger.info("stopping", metadata: ["signal": "\(signal)"])
                    loop.stop()
                }
            }
            try loop.run()
        } catch {
            throw .io(path: "epoll", errno: error)
        }
        if let failure { throw failure }
    }
}
