import ControlPlane
import Glibc
import Logging
import NetStack
import SystemPackage
import UnderlayFaults
import ZeroTier

/// `netcon run`: the composition root that owns a node's home, identity, sockets and event loop, and the
/// order in which they start and stop.
public struct Daemon {
    public struct Options: Sendable {
        public var home: NodeHome
        public var port: UInt16
        /// False in tests and CI (NETCON_FORBID_DEFAULT_PLANET): a home without a planet file refuses to start.
        public var allowDefaultPlanet: Bool
        /// False when the node runs inside `netcon exec`, whose supervisor owns the process's signals and
        /// stops the node with a `DaemonStopper`.
        public var handlesSignals: Bool
        /// Raise the soft descriptor limit to the hard one (`DescriptorLimit`). False inside `netcon exec`,
        /// whose program would inherit it.
        public var raisesDescriptorLimit: Bool

        public init(home: NodeHome, port: UInt16, allowDefaultPlanet: Bool, handlesSignals: Bool = true,
                    raisesDescriptorLimit: Bool = true) {
            self.home = home
            self.port = port
            self.allowDefaultPlanet = allowDefaultPlanet
            self.handlesSignals = handlesSignals
            self.raisesDescriptorLimit = raisesDescriptorLimit
        }
    }

    /// Progress lines a person starting the daemon should see (identity generation, readiness).
    public typealias Announce = (String) -> Void

    let options: Options
    let logger: Logger
    let announce: Announce
    let stopper: DaemonStopper?

    public init(options: Options, logger: Logger, stopper: DaemonStopper? = nil, announce: @escaping Announce) {
        self.options = options
        self.logger = logger
        self.stopper = stopper
        self.announce = announce
    }

    /// Runs until SIGINT or SIGTERM, then shuts down in reverse order of start-up.
    public func run() throws(NetconError) {
        let home = options.home
        try home.prepare()
        let lock = try HomeLock.acquire(home)
        defer { lock.release() }
        let forwardRules = try ForwardService.rules(in: home)

        // Signals become events on the loop; block them before any other thread exists.
        var signals: SignalSource?
        if options.handlesSignals {
            do {
                signals = try SignalSource([SIGINT, SIGTERM, SIGHUP])
            } catch {
                throw .io(path: "signalfd", errno: error)
            }
        }

        let planet = try PlanetStore(home: home).load(allowDefault: options.allowDefaultPlanet)
        let identity = try IdentityStore(home: home).loadOrCreate(
            onGenerationStart: { announce("generating a new identity for \(home.path) (this takes a moment)…") },
            progress: { attempt in if attempt % 8 == 0 { announce("  still generating (attempt \(attempt))…") } }
        )
        var logger = logger
        logger[metadataKey: "node"] = "\(identity.address)"

        let loop: EventLoop
        do {
            loop = try EventLoop()
        } catch {
            throw .io(path: "epoll", errno: error)
        }
        let socket = try UDPSocket(port: options.port)
        defer { socket.close() }
        // A full-sized datagram takes about 1.6 times its size of the buffer (2.8 KB in 4.4 KB), and ACKs and
        // other peers need room too: the TCP windows offered to all peers together stay within half of it (seen: a whole buffer overflows).
        // Never below two full windows, though: over a long path most of what is in flight is on the way, not
        // in the buffer, and a small default buffer (net.core.rmem_max) must not cap a stream at buffer/RTT.
        Stack.receiveBudget = max(2 << 20, socket.receiveBufferBytes / 2)
        let underlayFaults: UnderlayFaults?
        do {
            underlayFaults = try FaultyUnderlay.fromEnvironment()
        } catch {
            throw .invalidArgument("\(FaultyUnderlay.environmentVariable): \(error)")
        }
        let networks = VirtualNetworks()
        let node = try NodeService(identity: identity, home: home, planet: planet, socket: socket, loop: loop, networks: networks,
                                   underlayFaults: underlayFaults, logger: logger)
        let control = try ControlServer(path: home.controlSocket, loop: loop, logger: logger, handler: node.handle)
        defer { control.close() }
        try node.start()
        defer { node.stop() }

        // Programs' sockets are served on their own thread (created after the signals were blocked).
        let bridgeThread = try BridgeThread()
        let bridge = SocketBridge(loop: bridgeThread.loop, networks: networks, logger: logger)
        let rpc = try RPCServer(path: home.rpcSocket, loop: bridgeThread.loop, bridge: bridge, logger: logger)
        node.socketCensus = { [loop = bridgeThread.loop] deliver in loop.execute { deliver(bridge.census()) } }
        bridgeThread.start()
        defer {
            bridgeThread.stop {
                rpc.close()
                bridge.closeAll()
            }
        }
        let forwards = forwardRules.isEmpty ? nil : try ForwardService.startThread(forwardRules, home: home, logger: logger)
        defer { forwards?.stop() }

        if let signals {
            do {
                try loop.register(signals.fd, for: .readable) { _ in
                    for signal in signals.drain() {
                        if signal == SIGHUP {
                            logger.info("SIGHUP: nothing to reload")
                            continue
                        }
                        logger.info("stopping", metadata: ["signal": "\(signal)"])
                        loop.stop()
                    }
                }
            } catch {
                throw .io(path: "signalfd", errno: error)
            }
        }
        stopper?.attach(loop)

        let descriptors = options.raisesDescriptorLimit ? DescriptorLimit.raiseToHardLimit() : 0
        logger.info("node started", metadata: [
            "descriptor.limit": "\(descriptors > 0 ? String(descriptors) : "as inherited")",
            "address": "\(identity.address)", "udp.port": "\(socket.port)", "home": "\(home.path)",
            "planet": "\(planet.id == World.earthID ? "ZeroTier public" : String(planet.id))",
        ])
        announce("netcon \(NetconVersion.current) node \(identity.address) listening on UDP port \(socket.port)")
        do {
            try loop.run()
        } catch {
            throw .io(path: "epoll", errno: error)
        }
        logger.info("stopped")
    }
}
