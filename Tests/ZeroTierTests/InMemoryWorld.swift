import Foundation
@testable import ZeroTier

/// Several engine nodes wired together in memory with a fake clock: the same code that runs in the daemon,
/// minus sockets and time, so whole-world behaviour is testable in milliseconds.
final class InMemoryWorld {
    var now: Int64 = 1_764_377_000_000
    private(set) var nodes: [Address: Node] = [:]
    private(set) var endpoints: [Address: InetEndpoint] = [:]
    private var byEndpoint: [InetEndpoint: Address] = [:]
    /// Every datagram delivered, for assertions on who talked to whom.
    var log: [(from: Address, to: Address, bytes: [UInt8])] = []
    var frames: [Address: [ReceivedFrame]] = [:]
    var echoes: [Address: [EchoResult]] = [:]
    var planetUpdates: [Address: Int] = [:]
    /// Pairs that cannot reach each other directly (NAT): their datagrams are dropped.
    var blocked: Set<[Address]> = []
    let planet: World
    let planetKey: C25519.KeyPair

    /// What each node announces and how it behaves, by name ("root", "m1"…); the default for the others.
    let configurations: [String: NodeConfiguration]

    /// One root (the vectors' root identity) and the given members, all on 127.0.0.1 ports.
    init(members: [String], configurations: [String: NodeConfiguration] = [:]) throws {
        self.configurations = configurations
        let root = try Identity(Vectors.text("world/root.secret"))
        let rootEndpoint = InetEndpoint("127.0.0.1/9993")!
        planetKey = C25519.generate()
        planet = World(kind: .planet, id: 42, timestamp: 1, updatesMustBeSignedBy: planetKey.publicKey,
                       roots: [World.Root(identity: root.publicOnly, stableEndpoints: [rootEndpoint])], signedWith: planetKey)
        var seed: UInt64 = 1
        add(root, at: rootEndpoint, seed: &seed, configuration: configurations["root"])
        for (index, name) in members.enumerated() {
            add(try Identity(Vectors.text("world/\(name).secret")), at: InetEndpoint("127.0.0.1/\(10000 + index)")!, seed: &seed,
                configuration: configurations[name])
        }
    }

    private func add(_ identity: Identity, at endpoint: InetEndpoint, seed: inout UInt64, planet: World? = nil,
                     configuration: NodeConfiguration? = nil) {
        var generator = SplitMix(state: seed)
        seed += 1
        let node = Node(identity: identity, planet: planet ?? self.planet, configuration: configuration ?? NodeConfiguration(),
                        randomPacketID: { generator.next() })
        nodes[identity.address] = node
        endpoints[identity.address] = endpoint
        byEndpoint[endpoint] = identity.address
    }

    /// Replaces a node by a fresh one with the same identity and endpoint (a restart), optionally on another planet.
    func restart(_ name: String, planet: World? = nil) throws {
        let identity = try Identity(Vectors.text("world/\(name).secret"))
        var seed: UInt64 = 1000
        add(identity, at: endpoints[identity.address]!, seed: &seed, planet: planet, configuration: configurations[name])
    }

    func node(_ name: String) throws -> Node {
        let address = try Identity(Vectors.text("world/\(name).public")).address
        return nodes[address]!
    }

    /// Delivers everything in flight until the world is quiet (bounded).
    func settle() {
        for _ in 0..<64 {
            var moved = false
            for (address, node) in nodes {
                for output in node.drainOutputs() {
                    switch output {
                    case let .datagram(bytes, to, _):
                        guard let target = byEndpoint[to], let receiver = nodes[target] else { continue }
                        if blocked.contains([address, target].sorted()) { continue }
                        log.append((address, target, bytes))
                        receiver.receive(bytes, from: endpoints[address]!, now: now)
                        moved = true
                    case let .frame(frame):
                        frames[address, default: []].append(frame)
                    case let .echoReply(result):
                        echoes[address, default: []].append(result)
                    case .peerError:
                        break
                    case .planetUpdated:
                        planetUpdates[address, default: 0] += 1
                    case .networkConfigured, .networkStateChanged:
                        break
                    }
                }
            }
            if !moved { return }
        }
    }

    /// Advances the clock in ticks, running every node's background work and delivering traffic.
    func run(milliseconds: Int64) {
        let end = now + milliseconds
        while now < end {
            for node in nodes.values { node.processBackgroundTasks(now: now) }
            settle()
            now += NodeTiming.tick
        }
    }
}

/// A tiny deterministic generator for packet IDs in tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension InMemoryWorld {
    /// Makes the root a controller with an in-memory store holding `networks`.
    func makeRootController(_ networks: [ControllerNetwork]) throws -> InMemoryControllerStore {
        let store = InMemoryControllerStore()
        for network in networks { store.save(network) }
        let root = try node("root")
        root.controller = NetworkController(identity: root.identity, store: store)
        return store
    }
}

extension InMemoryWorld {
    /// The controller (the root) deauthorizes `address` now and pushes the change, as `netcon member deauthorize` does.
    func revoke(_ address: Address, on network: NetworkID, in store: InMemoryControllerStore) throws {
        guard var member = store.member(address, of: network) else { throw TestWorldError("\(address) is no member of \(network)") }
        member.authorized = false
        member.lastDeauthorizedTime = now
        store.save(member)
        try node("root").controllerChanged(network, now: now)
        settle()
    }
}

struct TestWorldError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
