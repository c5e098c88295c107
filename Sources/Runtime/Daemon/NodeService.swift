import ControlPlane
import Glibc
import Logging
import NetStack
import UnderlayFaults
import ZeroTier

/// The running node: drives the ZeroTier engine from the event loop (UDP socket in batches, timers) and
/// answers control requests. Everything here runs on the loop thread.
final class NodeService {
    let identity: Identity
    let home: NodeHome
    var planet: World { node.planet }
    private let socket: UDPSocket
    private let loop: EventLoop
    private let node: Node
    private let joined: JoinedNetworks
    private let peerCache: PeerCache
    let controller: ControllerService
    private let logger: Logger
    private let receiveBatch = DatagramBatch()
    private let sendBatch = DatagramBatch()
    /// Counts programs' virtual sockets where they live (the bridge thread) and hands the result to its argument.
    var socketCensus: ((@escaping @Sendable (SocketStatus) -> Void) -> Void)?
    private var backgroundTimer: EventLoop.TimerID?
    private var pendingPings: [UInt64: (reply: (ControlResponse) -> Void, timer: EventLoop.TimerID)] = [:]
    private var wasOnline = false
    /// The user-space stack of each configured network.
    private var ports: [NetworkID: NetworkPort] = [:]
    /// What the last "network configured" line said, per network.
    private var loggedConfigurations: [NetworkID: String] = [:]
    /// What the socket bridge sees of the ports.
    private let networks: VirtualNetworks
    private var lastCacheSave: Int64 = 0
    /// The frames of the outputs being flushed, handed to the stacks after the loop (reused buffer).
    private var receivedFrames: [ReceivedFrame] = []
    private var deliveringFrames: [ReceivedFrame] = []
    /// Port 53 on the virtual networks, for the networks whose names this node answers as their controller.
    private let nameServer: NameServer
    private let hostNameServers = HostNameServers()
    /// Test-only: faults every received datagram meets first (`FaultyUnderlay`).
    private var faultyUnderlay: FaultyUnderlay?

    static let pingTimeoutMilliseconds: Int64 = 5_000
    static let cacheSaveInterval: Int64 = 30_000

    init(identity: Identity, home: NodeHome, planet: World, socket: UDPSocket, loop: EventLoop, networks: VirtualNetworks,
         underlayFaults: UnderlayFaults? = nil, logger: Logger) throws(NetconError) {
        self.identity = identity
        self.networks = networks
        self.home = home
        self.socket = socket
        self.loop = loop
        self.logger = logger
        joined = JoinedNetworks(home: home)
        peerCache = PeerCache(home: home)
        let store = ControllerFileStore(home: home)
        controller = ControllerService(controller: identity.address, store: store)
        node = Node(identity: identity, planet: planet)
        node.controller = NetworkController(identity: identity, store: store)
        nameServer = NameServer(loop: loop, networks: networks, store: store, logger: logger)
        let now = wallClockMilliseconds()
        for network in try joined.list() {
            logger.info("rejoining network", metadata: ["network.id": "\(network)"])
            node.join(network, cachedConfig: try? joined.cachedConfig(network), now: now)
        }
        let blockedFile = FaultyUnderlay.blockedFileFromEnvironment()
        if underlayFaults != nil || blockedFile != nil {
            let faults = underlayFaults ?? UnderlayFaults()
            logger.warning("test underlay faults on every received datagram",
                           metadata: ["faults": "\(faults)", "blocked": "\(blockedFile ?? "-")"])
            faultyUnderlay = FaultyUnderlay(
                faults, blockedFile: blockedFile, loop: loop,
                deliver: { [unowned self] bytes, endpoint in node.receive(bytes, from: endpoint, now: wallClockMilliseconds()) },
                flush: { [unowned self] in flushOutputs() })
        }
    }

    /// Starts receiving and the background timer; restores cached peers.
    func start() throws(NetconError) {
        do {
            try loop.register(socket.fd, for: .readable) { [unowned self] _ in self.receiveAvailable() }
        } catch {
            throw .io(path: "udp socket", errno: error)
        }
        let now = wallClockMilliseconds()
        let cached = peerCache.load()
        if !cached.isEmpty { logger.info("restoring cached peers", metadata: ["count": "\(cached.count)"]) }
        node.restore(cached, now: now)
        for network in node.joinedNetworks where network.config != nil { configurePort(network.id, network.config!) }
        watchHostNameServers()
        runBackgroundTasks()
    }

    private func watchHostNameServers() {
        if let servers = hostNameServers.readIfChanged() {
            networks.hostNameServers = servers
            logger.debug("host name servers", metadata: ["servers": "\(servers.map(\.description).joined(separator: ","))"])
        }
        loop.schedule(afterMilliseconds: HostNameServers.checkMilliseconds) { [weak self] in self?.watchHostNameServers() }
    }

    func stop() {
        for (network, port) in ports {
            networks.remove(network)
            port.close()
        }
        ports.removeAll()
        nameServer.close()
        saveCache(now: wallClockMilliseconds())
        if let backgroundTimer { loop.cancel(backgroundTimer) }
        loop.unregister(socket.fd)
    }

    private func receiveAvailable() {
        while true {
            let count: Int
            do {
                count = try receiveBatch.receive(from: socket.fd) { bytes, endpoint in
                    if let faultyUnderlay {
                        faultyUnderlay.receive(bytes, from: endpoint)
                    } else {
                        node.receive(consume bytes, from: endpoint, now: wallClockMilliseconds())
                    }
                }
            } catch {
                logger.warning("udp receive failed", metadata: ["errno": "\(error)"])
                break
            }
            flushOutputs()
            if count < DatagramBatch.slots { break }
        }
    }

    private func runBackgroundTasks() {
        let now = wallClockMilliseconds()
        let next = node.processBackgroundTasks(now: now)
        flushOutputs()
        let online = node.isOnline(now: now)
        if online != wasOnline {
            wasOnline = online
            logger.info(online ? "online: a root answered" : "offline: no root answers")
        }
        if now - lastCacheSave >= Self.cacheSaveInterval { saveCache(now: now) }
        backgroundTimer = loop.schedule(afterMilliseconds: max(1, next - now)) { [unowned self] in self.runBackgroundTasks() }
    }

    private func flushOutputs() {
        var datagrams = [(bytes: [UInt8], to: InetEndpoint)]()
        for output in node.drainOutputs() {
            switch output {
            case let .datagram(bytes, to, ttl):
                if let ttl {
                    socket.send(bytes, to: to, ttl: ttl)
                } else {
                    datagrams.append((bytes, to))
                }
            case let .frame(frame):
                receivedFrames.append(frame)
            case let .echoReply(result):
                guard let pending = pendingPings.removeValue(forKey: result.packetID) else { continue }
                loop.cancel(pending.timer)
                pending.reply(.pong(PingResult(peer: result.peer, roundTripMilliseconds: result.roundTripMilliseconds, direct: result.direct)))
            case let .networkConfigured(network, config, dictionary):
                configurePort(network, config)
                // The controller answers every refresh (each minute) and a join may bring two answers: what did
                // not change is worth a debug line only.
                let addresses = config.staticIPs.map(\.description).joined(separator: ",")
                let summary = "\(config.revision) \(config.name) \(addresses)"
                logger.log(level: loggedConfigurations[network] == summary ? .debug : .info, "network configured", metadata: [
                    "network.id": "\(network)", "network.name": "\(config.name)", "revision": "\(config.revision)",
                    "addresses": "\(addresses)",
                ])
                loggedConfigurations[network] = summary
                do {
                    try joined.storeConfig(network, dictionary)
                } catch {
                    logger.warning("could not cache the network config", metadata: ["network.id": "\(network)", "error": "\(error)"])
                }
            case let .networkStateChanged(network, state):
                logger.warning("controller refused the network", metadata: ["network.id": "\(network)", "state": "\(state.rawValue)"])
                try? joined.forgetConfig(network)
                networks.remove(network)
                ports[network]?.revoke()
            case let .planetUpdated(world):
                logger.info("a root sent a newer planet", metadata: ["planet.timestamp": "\(world.timestamp)"])
                do {
                    try HomeFile.writeAtomically(home.planet, world.encoded(), mode: 0o644)
                } catch {
                    logger.warning("could not save the updated planet", metadata: ["error": "\(error)"])
                }
            case let .peerError(error):
                logger.debug("peer reported an error", metadata: ["peer.address": "\(error.peer)", "error": "\(error.code)"])
            }
        }
        if !datagrams.isEmpty { sendBatch.send(datagrams, on: socket.fd, dualStack: socket.isDualStack) }
        deliverReceivedFrames()
        _ = node.drainNetworkMessages()
    }

    /// Each network's frames of this batch go to its stack together, in the order they came.
    private func deliverReceivedFrames() {
        guard !receivedFrames.isEmpty else { return }
        swap(&receivedFrames, &deliveringFrames)
        var start = deliveringFrames.startIndex
        while start < deliveringFrames.endIndex {
            let network = deliveringFrames[start].network
            var end = start + 1
            while end < deliveringFrames.endIndex, deliveringFrames[end].network == network { end += 1 }
            ports[network]?.deliver(deliveringFrames[start..<end])
            start = end
        }
        deliveringFrames.removeAll(keepingCapacity: true)
    }

    /// Creates or updates the network's stack from its config, and announces the groups ZeroTier needs:
    /// broadcast, and the ARP group of our IPv4 address (real nodes cannot ARP us without it).
    private func configurePort(_ network: NetworkID, _ config: NetworkConfig) {
        let now = wallClockMilliseconds()
        let port: NetworkPort
        if let existing = ports[network] {
            port = existing
        } else {
            do {
                port = try NetworkPort(
                    network: network, mac: MAC(address: identity.address, network: network), mtu: config.mtu, loop: loop, logger: logger,
                    send: { [unowned self] frame, adi in
                        self.node.sendFrame(network: network, source: frame.source, destination: frame.destination,
                                            etherType: frame.etherType, payload: frame.payload, multicastADI: adi,
                                            now: wallClockMilliseconds())
                    },
                    subscribe: { [unowned self] group, joined in
                        if joined { self.node.subscribe(group, on: network, now: wallClockMilliseconds()) }
                    },
                    flush: { [unowned self] in self.flushOutputs() }
                )
            } catch {
                logger.error("no stack for the network", metadata: ["network.id": "\(network)", "error": "\(error)"])
                return
            }
            ports[network] = port
        }
        if config.enableBroadcast { node.subscribe(MulticastGroup(mac: .broadcast, adi: 0), on: network, now: now) }
        if let ipv4 = port.apply(config), case .v4(let value) = ipv4.ip {
            node.subscribe(MulticastGroup.arp(for: value), on: network, now: now)
        }
        networks.update(network, interface: port.interface, config: config)
        if network.controller == identity.address, controller.store.network(network)?.controllerAnswersDNS == true { nameServer.open() }
    }

    private func saveCache(now: Int64) {
        lastCacheSave = now
        do {
            try peerCache.save(node.cachedPeers(now: now))
        } catch {
            logger.warning("could not save the peer cache", metadata: ["error": "\(error)"])
        }
    }

    func handle(_ request: ControlRequest, reply: @escaping (ControlResponse) -> Void) {
        do {
            switch request {
            case .status:
                guard let socketCensus else { return reply(.status(status())) }
                // The census is taken on the bridge thread; the status is completed back on this one.
                let back = SendableBox((service: self, reply: reply))
                socketCensus { [loop] sockets in
                    loop.execute {
                        var status = back.value.service.status()
                        status.sockets = sockets
                        back.value.reply(.status(status))
                    }
                }
            case .join(let network):
                try join(network)
                reply(.joined(networkStatus(network)))
            case .leave(let network):
                let wasJoined = try joined.leave(network) || node.networks.contains(network)
                node.leave(network)
                networks.remove(network)
                ports.removeValue(forKey: network)?.close()
                if wasJoined { logger.info("left network", metadata: ["network.id": "\(network)"]) }
                reply(.left(network, wasJoined: wasJoined))
            case .ping(let peer):
                ping(peer, reply: reply)
            case .ipPing(let text):
                ipPing(text, reply: reply)
            case .networkCreate, .networkList, .networkShow, .networkDelete, .memberList, .memberAuthorize, .memberSetIPs,
                 .networkSetDNS, .memberSetName:
                let now = wallClockMilliseconds()
                let response = try controller.handle(request, now: now)
                var changed = request.changedNetwork
                if case .networkCreate = request, case .network(let created) = response { changed = created.id }
                if let changed {
                    node.controllerChanged(changed, now: now)
                    flushOutputs()
                }
                // A controller that answers a network's names is on it, so that its members can reach it.
                if case .networkSetDNS(let network, _, _, true) = request, !node.networks.contains(network) {
                    try join(network)
                    // Joining gave it its addresses there, which lead the servers the members get.
                    node.controllerChanged(network, now: wallClockMilliseconds())
                    flushOutputs()
                }
                reply(response)
            }
        } catch {
            reply(.failure(ControlFailure(error)))
        }
    }

    private func join(_ network: NetworkID) throws(NetconError) {
        if try joined.join(network) {
            logger.info("joined network", metadata: ["network.id": "\(network)"])
        }
        let now = wallClockMilliseconds()
        node.join(network, cachedConfig: try? joined.cachedConfig(network), now: now)
        if let config = node.joinedNetworks.first(where: { $0.id == network })?.config { configurePort(network, config) }
        flushOutputs()
    }

    private func ping(_ peer: Address, reply: @escaping (ControlResponse) -> Void) {
        guard peer != identity.address else {
            reply(.failure(ControlFailure(.badRequest, "\(peer) is this node")))
            return
        }
        // The ECHO may first wait for WHOIS, so its packet ID is not known yet: retry until it can be sent.
        let deadline = wallClockMilliseconds() + Self.pingTimeoutMilliseconds
        func attempt() {
            let now = wallClockMilliseconds()
            if let packetID = node.echo(peer, now: now) {
                flushOutputs()
                let timer = loop.schedule(afterMilliseconds: max(1, deadline - now)) { [unowned self] in
                    self.pendingPings.removeValue(forKey: packetID)?.reply(
                        .failure(ControlFailure(.timeout, "\(peer) did not answer within \(Self.pingTimeoutMilliseconds / 1000) s")))
                }
                pendingPings[packetID] = (reply, timer)
                return
            }
            flushOutputs()
            guard now < deadline else {
                reply(.failure(ControlFailure(.timeout, "the identity of \(peer) could not be found (no root knows it)")))
                return
            }
            loop.schedule(afterMilliseconds: 100) { attempt() }
        }
        attempt()
    }

    /// ICMP echo through the stack of the network whose addresses contain `text` (or the first one).
    private func ipPing(_ text: String, reply: @escaping (ControlResponse) -> Void) {
        guard let destination = NetStack.IPAddress(text), let target = ZeroTier.IPAddress(text) else {
            reply(.failure(ControlFailure(.badRequest, "\(text) is not an IP address")))
            return
        }
        let port = ports.first { _, port in
            node.joinedNetworks.first { $0.id == port.network }?.config?.staticIPs.contains { $0.network.contains(target) } == true
        }?.value
        guard let port else {
            reply(.failure(ControlFailure(.notFound, "no configured network of this node contains \(text)")))
            return
        }
        let answer = SendableBox(reply)
        do {
            try Ping.send(to: destination, via: port.interface, timeout: .seconds(3)) { [loop] result in
                loop.execute {
                    switch result {
                    case .success(let duration):
                        let (seconds, attoseconds) = duration.components
                        answer.value(.ipPong(address: text, roundTripMicroseconds: seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
                    case .failure(let error):
                        answer.value(.failure(ControlFailure(.timeout, "no answer from \(text): \(error)")))
                    }
                }
            }
        } catch {
            reply(.failure(ControlFailure(.timeout, "cannot ping \(text): \(error)")))
        }
    }

    func status() -> NodeStatus {
        let now = wallClockMilliseconds()
        let counters = node.counters
        return NodeStatus(
            address: identity.address, version: NetconVersion.current, running: true, online: node.isOnline(now: now),
            port: socket.port, pid: getpid(), home: home.path,
            networks: node.joinedNetworks.map(NetworkStatus.init),
            peers: node.peerSnapshots(now: now).map { peerStatus($0, now: now) },
            planet: PlanetStatus(planet),
            traffic: TrafficStatus(
                datagramsReceived: counters.datagramsReceived, datagramsSent: counters.datagramsSent,
                packetsAccepted: counters.packetsAccepted, packetsRelayed: counters.packetsRelayed,
                dropped: Dictionary(uniqueKeysWithValues: counters.dropped.map { ($0.key.rawValue, $0.value) })
            )
        )
    }

    private func peerStatus(_ peer: PeerSnapshot, now: Int64) -> PeerStatus {
        PeerStatus(
            address: peer.identity.address, role: peer.isRoot ? .planet : .leaf, version: peer.version?.description,
            latencyMilliseconds: peer.latency,
            paths: peer.paths.map { path in
                PeerStatus.Path(
                    endpoint: path.endpoint.description,
                    lastSendMillisecondsAgo: path.lastSend > 0 ? now - path.lastSend : nil,
                    lastReceiveMillisecondsAgo: now - path.lastReceive,
                    active: path.isActive(now: now), preferred: path.endpoint == peer.preferredPath
                )
            }
        )
    }

    private func networkStatus(_ network: NetworkID) -> NetworkStatus {
        node.joinedNetworks.first { $0.id == network }.map(NetworkStatus.init)
            ?? .awaitingConfiguration(network, member: identity.address, state: .requestingConfiguration)
    }
}

extension PlanetStatus {
    init(_ world: World) {
        self.init(id: world.id, timestamp: world.timestamp, isDefault: world.id == World.earthID, roots: world.roots.map(\.address))
    }
}

extension ControlRequest {
    /// The network a controller request changes (its members must hear about it).
    var changedNetwork: NetworkID? {
        switch self {
        case .networkDelete(let id), .memberAuthorize(let id, _, _), .memberSetIPs(let id, _, _), .networkSetDNS(let id, _, _, _): id
        default: nil
        }
    }
}

extension NetworkStatus {
    init(_ snapshot: NetworkSnapshot) {
        let config = snapshot.config
        let state: State = switch snapshot.state {
        case .ok: .ok
        case .requestingConfiguration: .requestingConfiguration
        case .accessDenied: .accessDenied
        case .notFound: .notFound
        }
        self.init(
            id: snapshot.id, name: config?.name ?? "", mac: snapshot.mac, state: state,
            kind: config.map { $0.isPrivate ? .private : .public } ?? .unknown, mtu: config?.mtu,
            assignedAddresses: config?.staticIPs.map(\.description) ?? [],
            dnsDomain: config?.dns?.domain, dnsServers: config?.dns?.servers.map(\.description)
        )
    }

    /// A joined network whose config has not arrived (or cannot arrive, when no daemon runs).
    static func awaitingConfiguration(_ network: NetworkID, member: Address, state: State) -> NetworkStatus {
        NetworkStatus(
            id: network, name: "", mac: MAC(address: member, network: network), state: state, kind: .unknown,
            mtu: nil, assignedAddresses: []
        )
    }
}
