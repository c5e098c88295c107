/// A ZeroTier V1 node with no I/O of its own: the host hands it datagrams and the time, and drains the
/// datagrams and frames it produces (`drainOutputs`). One thread at a time; the host serialises calls.
///
/// A node whose address is one of its planet's roots also acts as a root: it answers WHOIS, relays
/// packets between peers that cannot reach each other yet, and introduces them with RENDEZVOUS.
public final class Node {
    public let identity: Identity
    public private(set) var planet: World
    public let configuration: NodeConfiguration

    var peers: [Address: Peer] = [:]
    private(set) var rootAddresses: Set<Address>
    var reassembler = Reassembler()
    let fragmenter: Fragmenter
    var identityWait = IdentityWait()
    var identityGate = RateGate<[UInt8]>(interval: NodeTiming.identityVerificationInterval)
    /// Packet IDs of HELLO, WHOIS, ECHO… we sent, so only real replies are acted on.
    var expectedReplies: [UInt64: (verb: Verb, sent: Int64)] = [:]
    var lastIntroduction: [PeerPair: Int64] = [:]
    var subscriptions = MulticastSubscriptions()
    var lastSubscriptionSweep: Int64 = 0
    /// Our own multicast groups per network, announced to the roots with MULTICAST_LIKE.
    var localGroups: [NetworkID: Set<MulticastGroup>] = [:]
    var lastGroupAnnouncement: Int64 = 0
    var pendingMulticast: [PendingMulticast] = []
    /// Messages for the network layer (config, credentials…): taken by `drainNetworkMessages`.
    var networkMessages: [(verb: Verb, packet: Packet, peer: Address)] = []
    var outputs: [NodeOutput] = []
    public internal(set) var counters = NodeCounters()
    var memberships: [NetworkID: NetworkMembership] = [:]
    /// Set by the host when this node controls networks (every network ID that starts with its address).
    public var controller: NetworkController?

    /// Networks whose frames are delivered to the host; frames for any other network are dropped.
    /// Setting it joins or leaves without talking to controllers (`join(_:cachedConfig:now:)` does).
    public var networks: Set<NetworkID> {
        get { Set(memberships.keys) }
        set {
            for id in newValue where memberships[id] == nil { memberships[id] = NetworkMembership(id: id) }
            for id in memberships.keys where !newValue.contains(id) { leave(id) }
        }
    }
    let randomPacketID: () -> UInt64

    /// - Parameter randomPacketID: the source of packet IDs (tests pass a seeded one).
    public init(identity: Identity, planet: World, configuration: NodeConfiguration = NodeConfiguration(),
                randomPacketID: (() -> UInt64)? = nil) {
        precondition(identity.hasSecret, "a node needs its secret key")
        self.identity = identity
        self.planet = planet
        self.configuration = configuration
        self.randomPacketID = randomPacketID ?? { [source = PacketIDSource()] in source.take() }
        fragmenter = Fragmenter(mtu: configuration.physicalMTU)
        rootAddresses = []
        adoptRoots(of: planet)
    }

    /// Makes the planet's roots this node's roots (at start, and when a root sends a newer planet).
    func adoptRoots(of world: World) {
        rootAddresses = Set(world.roots.map(\.address))
        for peer in peers.values { peer.isRoot = rootAddresses.contains(peer.address) }
        for root in world.roots where root.address != identity.address {
            if let existing = peers[root.address], existing.identity == root.identity { continue }
            if let key = identity.agree(with: root.identity) {
                peers[root.address] = Peer(identity: root.identity, key: key, isRoot: true)
            }
        }
    }

    /// Applies a planet update a root sent, under ZeroTier's rule (same world, newer, signed by the key
    /// the current planet names). Returns whether it was adopted; the host then persists it.
    func acceptWorldUpdate(_ update: World) -> Bool {
        guard update.kind == .planet, planet.shouldReplace(with: update) else { return false }
        planet = update
        adoptRoots(of: update)
        outputs.append(.planetUpdated(update))
        return true
    }

    public var address: Address { identity.address }
    public var isRoot: Bool { rootAddresses.contains(identity.address) }

    /// Online while some root has answered recently (a root is always online).
    public func isOnline(now: Int64) -> Bool {
        if isRoot { return true }
        return peers.values.contains { $0.isRoot && $0.lastReceive > 0 && now - $0.lastReceive < NodeTiming.onlineWindow }
    }

    /// Everything produced since the last call, in order.
    public func drainOutputs() -> [NodeOutput] {
        defer { outputs.removeAll(keepingCapacity: true) }
        return outputs
    }

    public func peerSnapshots(now: Int64) -> [PeerSnapshot] {
        peers.values.sorted { $0.address < $1.address }.map { peer in
            PeerSnapshot(
                identity: peer.identity, isRoot: peer.isRoot, version: peer.remoteVersion, latency: peer.latency,
                paths: peer.paths, preferredPath: peer.bestPath(now: now)?.endpoint, lastReceive: peer.lastReceive
            )
        }
    }

    /// What a restart needs to skip WHOIS: every non-root peer heard from, with its living paths.
    public func cachedPeers(now: Int64) -> [CachedPeer] {
        peers.values.filter { !$0.isRoot && $0.lastReceive > 0 }.sorted { $0.address < $1.address }.map {
            CachedPeer(identity: $0.identity, endpoints: $0.paths.filter { $0.isAlive(now: now) }.map(\.endpoint))
        }
    }

    /// Restores peers saved by `cachedPeers`: their identities are re-validated, and each is greeted at
    /// its last known endpoints so direct paths come back without waiting for a root.
    public func restore(_ cached: [CachedPeer], now: Int64) {
        for entry in cached where entry.identity.address != address && peers[entry.identity.address] == nil {
            guard entry.identity.validate(), let key = identity.agree(with: entry.identity) else { continue }
            let peer = Peer(identity: entry.identity, key: key, isRoot: false)
            peers[peer.address] = peer
            for endpoint in entry.endpoints.prefix(4) { sendHello(to: peer, at: endpoint, now: now) }
        }
    }

    /// Asks `peer` for an ECHO; the answer arrives as `.echoReply` with the returned packet ID.
    @discardableResult
    public func echo(_ peer: Address, data: [UInt8] = [], now: Int64) -> UInt64? {
        send(.echo, EchoMessage(data: data).encoded(), to: peer, expectReply: true, now: now)
    }
}

/// An unordered pair of addresses, for rate-limiting introductions.
struct PeerPair: Hashable {
    let low: Address
    let high: Address

    init(_ a: Address, _ b: Address) {
        low = min(a, b)
        high = max(a, b)
    }
}
