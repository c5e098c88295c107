import Foundation
import Testing
@testable import ZeroTier

@Suite struct NodeWorldTests {
    @Test func membersComeOnlineThroughTheRoot() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        #expect(!m1.isOnline(now: world.now))
        world.run(milliseconds: 3_000)
        #expect(m1.isOnline(now: world.now))
        #expect(m2.isOnline(now: world.now))
        let rootView = try world.node("root").peerSnapshots(now: world.now)
        #expect(Set(rootView.map(\.identity.address)) == [m1.address, m2.address])
        #expect(rootView.allSatisfy { $0.version?.software == SoftwareVersion(major: 1, minor: 14, revision: 1) })
        let rootPeer = try #require(m1.peerSnapshots(now: world.now).first)
        #expect(rootPeer.isRoot)
        #expect(rootPeer.preferredPath == InetEndpoint("127.0.0.1/9993"))
        #expect(rootPeer.latency != nil)
    }

    @Test func peersFindEachOtherByWhoisTalkRelayedThenDirectly() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        world.run(milliseconds: 3_000)
        // m1 has never heard of m2: the ECHO waits for WHOIS, is relayed by the root, and the root introduces them.
        #expect(m1.echo(m2.address, data: [1, 2, 3], now: world.now) == nil)
        world.settle()
        let first = try #require(world.echoes[m1.address]?.first)
        #expect(first.peer == m2.address)
        #expect(world.log.contains { $0.from == m1.address && $0.to == world.nodes.keys.first { world.nodes[$0]!.isRoot }! })
        #expect(try world.node("root").counters.packetsRelayed > 0)
        // After RENDEZVOUS and HELLO on the direct path, the next ECHO goes straight to m2.
        world.run(milliseconds: 1_000)
        let direct = try #require(m1.peerSnapshots(now: world.now).first { $0.identity.address == m2.address })
        #expect(direct.preferredPath == world.endpoints[m2.address])
        world.log.removeAll()
        #expect(m1.echo(m2.address, now: world.now) != nil)
        world.settle()
        #expect(world.echoes[m1.address]?.last?.direct == true)
        #expect(world.log.allSatisfy { Set([$0.from, $0.to]) == [m1.address, m2.address] })
    }

    @Test func peersBehindNATKeepTalkingThroughTheRoot() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        world.blocked = [[m1.address, m2.address].sorted()]
        world.run(milliseconds: 3_000)
        m1.echo(m2.address, now: world.now)
        world.run(milliseconds: 2_000)
        m1.echo(m2.address, now: world.now)
        world.settle()
        #expect(world.echoes[m1.address]?.count == 2)
        #expect(world.echoes[m1.address]?.allSatisfy { !$0.direct } == true)
    }

    @Test func framesReachTheOwnerOfTheDestinationMACAndMulticastIsGathered() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        let network = NetworkID("cf2daa94e4000002")!
        m1.networks = [network]
        m2.networks = [network]
        world.run(milliseconds: 3_000)
        let m1MAC = MAC(address: m1.address, network: network), m2MAC = MAC(address: m2.address, network: network)
        m1.sendFrame(network: network, source: m1MAC, destination: m2MAC, etherType: 0x0800, payload: [0x45, 0, 0, 20], now: world.now)
        world.settle()
        let unicast = try #require(world.frames[m2.address]?.first)
        #expect(unicast.source == m1MAC && unicast.destination == m2MAC && unicast.payload == [0x45, 0, 0, 20])

        let arpGroup = MulticastGroup.arp(for: 0x0a93_12c3)
        m2.subscribe(arpGroup, on: network, now: world.now)
        world.settle()
        m1.sendFrame(network: network, source: m1MAC, destination: .broadcast, etherType: 0x0806, payload: [1, 2, 3],
                     multicastADI: arpGroup.adi, now: world.now)
        world.settle()
        #expect(world.frames[m2.address]?.contains { $0.etherType == 0x0806 && $0.destination == .broadcast } == true)

        // A frame for a network the receiver has not joined is dropped and counted.
        m2.networks = []
        m1.sendFrame(network: network, source: m1MAC, destination: m2MAC, etherType: 0x0800, payload: [9], now: world.now)
        world.settle()
        #expect(m2.counters.dropped[.notMember] == 1)
    }

    @Test func membersAdoptANewerPlanetFromTheirRootButNotAForgedOne() throws {
        let world = try InMemoryWorld(members: ["m1"])
        let m1 = try world.node("m1")
        var forged = world.planet
        forged.timestamp = 5
        forged.sign(with: C25519.generate())
        try world.restart("root", planet: forged)
        world.run(milliseconds: 2_000)
        #expect(m1.planet.timestamp == 1)
        #expect(world.planetUpdates[m1.address] == nil)

        var newer = world.planet
        newer.timestamp = 2
        newer.sign(with: world.planetKey)
        try world.restart("root", planet: newer)
        world.run(milliseconds: NodeTiming.rootPing + 2_000)
        #expect(m1.planet.timestamp == 2)
        #expect(world.planetUpdates[m1.address] == 1)
    }

    @Test func aForgedIdentityIsRejected() throws {
        let world = try InMemoryWorld(members: ["m1"])
        let root = try world.node("root")
        // A HELLO from an identity whose address does not derive from its key (the vectors' corrupted one).
        let forgedPublic = try Identity(Vectors.text("identities/corrupted.public"))
        let genuine = try Identity(Vectors.text("identities/id1.secret"))
        #expect(forgedPublic.address == genuine.address)
        // Build a HELLO signed with a key pair whose public half is the corrupted one: we cannot (no secret),
        // so the forged HELLO fails either the MAC or the identity check — both must drop it.
        let hello = HelloMessage(version: SoftwareVersion(major: 1, minor: 14, revision: 1), timestamp: 1, identity: forgedPublic,
                                 destination: nil, planet: nil)
        var bytes = Packet(header: PacketHeader(packetID: 7, destination: root.address, source: forgedPublic.address,
                                                cipher: .poly1305None, verb: .hello), payload: hello.encoded()).encoded()
        let key = try #require(genuine.agree(with: try Identity(Vectors.text("world/root.public"))))
        PacketArmor.armor(&bytes, key: key, encryptPayload: false)
        let outcome = root.receive(bytes, from: InetEndpoint("127.0.0.9/1")!, now: world.now)
        #expect(outcome == .dropped(.authenticationFailed) || outcome == .dropped(.invalidIdentity))
        #expect(root.peerSnapshots(now: world.now).allSatisfy { $0.identity.address != genuine.address })
    }

    @Test func identityChecksAreRateLimitedPerSourceNetwork() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        let root = try world.node("root")
        // Two strangers from the same /24 within 2 s: only the first identity is verified.
        for name in ["id1", "id2"] {
            let stranger = try Identity(Vectors.text("identities/\(name).secret"))
            let hello = HelloMessage(version: SoftwareVersion(major: 1, minor: 14, revision: 1), timestamp: 1, identity: stranger,
                                     destination: nil, planet: nil)
            var bytes = Packet(header: PacketHeader(packetID: 9, destination: root.address, source: stranger.address,
                                                    cipher: .poly1305None, verb: .hello), payload: hello.encoded()).encoded()
            PacketArmor.armor(&bytes, key: try #require(stranger.agree(with: root.identity)), encryptPayload: false)
            root.receive(bytes, from: InetEndpoint("10.9.9.\(name == "id1" ? 1 : 2)/5")!, now: world.now)
        }
        #expect(root.counters.dropped[.rateLimited] == 1)
        #expect(root.peerSnapshots(now: world.now).count == 1)
    }

    @Test func garbageAndTruncationsAreCountedNeverFatal() throws {
        let world = try InMemoryWorld(members: ["m1"])
        let root = try world.node("root"), m1 = try world.node("m1")
        world.run(milliseconds: 2_000)
        var generator = SplitMix(state: 99)
        let from = InetEndpoint("127.0.0.1/4444")!
        for length in [0, 1, 5, 15, 16, 27, 28, 29, 100, 1432, 3000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            root.receive(bytes, from: from, now: world.now)
            m1.receive(bytes, from: from, now: world.now)
        }
        // Truncations of a real packet.
        let real = try #require(world.log.last?.bytes)
        for cut in 0..<real.count { m1.receive(Array(real[0..<cut]), from: from, now: world.now) }
        #expect(root.counters.droppedTotal > 0)
        #expect(m1.counters.droppedTotal > 0)
        world.run(milliseconds: 1_000)
        #expect(m1.isOnline(now: world.now))
    }

    @Test func aRestoredPeerCacheSkipsWhois() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        world.run(milliseconds: 3_000)
        m1.echo(m2.address, now: world.now)
        world.run(milliseconds: 1_000)
        let cache = m1.cachedPeers(now: world.now)
        #expect(cache.map(\.identity.address) == [m2.address])
        let restarted = Node(identity: try Identity(Vectors.text("world/m1.secret")), planet: world.planet)
        restarted.restore(cache, now: world.now)
        let hellos = restarted.drainOutputs()
        #expect(hellos.contains { if case .datagram(_, let to, _) = $0 { return to == world.endpoints[m2.address] } else { return false } })
    }

    // MARK: - Cipher suites

    /// Every whole packet (or fragmented packet's head) the world carried from one node to another, directly
    /// or through the root (then twice), opened with the pair's key: its suite, verb, and for OK what it answers.
    static func packets(in world: InMemoryWorld, from sender: Address, to receiver: Address) throws
        -> [(cipher: CipherSuite, verb: Verb?, inReVerb: Verb?, bytes: [UInt8])] {
        let names = ["root", "m1", "m2"]
        let identities = try Dictionary(uniqueKeysWithValues: names.map { try PacketArmorTests.world($0) }.map { ($0.address, $0) })
        let from = try #require(identities[sender]), to = try #require(identities[receiver])
        let key = try #require(from.agree(with: to.publicOnly))
        let aesKeys = AESGMACSIVKeys(peerKey: key)
        var found: [(CipherSuite, Verb?, Verb?, [UInt8])] = []
        for entry in world.log {
            guard case let .packet(packet)? = try? Datagram(bytes: entry.bytes), packet.header.source == sender,
                  packet.header.destination == receiver else { continue }
            var bytes = entry.bytes
            var verb: Verb?, inReVerb: Verb?
            // A fragmented packet's head alone cannot be opened; its suite is in the clear all the same.
            if !packet.header.flags.isFragmented {
                #expect(PacketArmor.dearmor(&bytes, key: key, aesKeys: aesKeys))
                let plain = try Packet(bytes: bytes).decompressed()
                verb = plain.header.verb
                if verb == .ok { inReVerb = try OKMessage(payload: plain.payload).inReVerb }
            }
            found.append((packet.header.flags.cipher, verb, inReVerb, entry.bytes))
        }
        return found
    }

    /// Brings up m1 and m2 on one network and lets them find their direct path.
    static func connectedPair(_ world: InMemoryWorld) throws -> (Node, Node, NetworkID) {
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        let network = NetworkID("cf2daa94e4000002")!
        m1.networks = [network]
        m2.networks = [network]
        world.run(milliseconds: 3_000)
        m1.echo(m2.address, now: world.now)
        world.run(milliseconds: 1_000)
        #expect(m1.peerSnapshots(now: world.now).first { $0.identity.address == m2.address }?.preferredPath == world.endpoints[m2.address])
        return (m1, m2, network)
    }

    /// Two netcon nodes announcing protocol 12 exchange frames (one big enough to be fragmented) as suite 3,
    /// both ways; HELLO stays suite 0 and the first OK(HELLO) to a peer not heard before is suite 1, as
    /// ZeroTier One 1.14 does.
    @Test func framesTravelAsSuite3WhenBothAnnounce12() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        let root = try world.node("root")
        let (m1, m2, network) = try Self.connectedPair(world)
        let setupFromRoot = try Self.packets(in: world, from: root.address, to: m1.address)
        world.log.removeAll()
        let m1MAC = MAC(address: m1.address, network: network), m2MAC = MAC(address: m2.address, network: network)
        var generator = SplitMix64(seed: 7)
        let big = [UInt8].random(count: 2_400, using: &generator)
        m1.sendFrame(network: network, source: m1MAC, destination: m2MAC, etherType: 0x0800, payload: [0x45, 0, 0, 20], now: world.now)
        m1.sendFrame(network: network, source: m1MAC, destination: m2MAC, etherType: 0x0800, payload: big, now: world.now)
        m2.sendFrame(network: network, source: m2MAC, destination: m1MAC, etherType: 0x0800, payload: [0x45, 1, 2, 3], now: world.now)
        world.settle()
        #expect(world.frames[m2.address]?.map { Array($0.payload) } == [[0x45, 0, 0, 20], big])
        #expect(world.frames[m1.address]?.map(\.payload) == [[0x45, 1, 2, 3]])

        let forward = try Self.packets(in: world, from: m1.address, to: m2.address)
        let back = try Self.packets(in: world, from: m2.address, to: m1.address)
        #expect(forward.filter { $0.verb == .frame }.count == 1)
        #expect(forward.contains { $0.verb == nil && $0.bytes.count == ProtocolLimits.defaultPhysicalMTU }, "the big frame's head")
        #expect(back.filter { $0.verb == .frame }.count == 1)
        #expect((forward + back).allSatisfy { $0.cipher == .aesGmacSiv })
        #expect(m2.counters.packetsAccepted > 0 && m2.counters.dropped[.authenticationFailed] == nil)

        // From the start: HELLO is the only suite-0 packet; the root's first OK(HELLO) to m1 went out before
        // it had heard m1's version (suite 1), the next one, a root ping later, is suite 3.
        world.run(milliseconds: NodeTiming.rootPing + 1_000)
        let toRoot = try Self.packets(in: world, from: m1.address, to: root.address)
        let fromRoot = try Self.packets(in: world, from: root.address, to: m1.address)
        #expect((toRoot + fromRoot).allSatisfy { ($0.cipher == .poly1305None) == ($0.verb == .hello) })
        #expect(toRoot.contains { $0.verb == .hello })
        #expect(fromRoot.filter { $0.inReVerb == .hello }.map(\.cipher) == [.aesGmacSiv])
        #expect(setupFromRoot.filter { $0.inReVerb == .hello }.first?.cipher == .salsa2012Poly1305)
        #expect(setupFromRoot.drop { $0.inReVerb != .hello }.dropFirst().allSatisfy { $0.cipher == .aesGmacSiv || $0.verb == .hello })
        #expect(setupFromRoot.contains { $0.inReVerb == .whois && $0.cipher == .aesGmacSiv })
    }

    /// A node announcing protocol 11 gets Salsa20/12-Poly1305 from everyone and sends it too, while its
    /// neighbour and the root keep suite 3 between themselves.
    @Test func aPeerAnnouncing11GetsSalsa() throws {
        var eleven = NodeConfiguration()
        eleven.protocolVersion = 11
        let world = try InMemoryWorld(members: ["m1", "m2"], configurations: ["m2": eleven])
        let root = try world.node("root")
        let (m1, m2, network) = try Self.connectedPair(world)
        world.log.removeAll()
        world.echoes.removeAll()
        let m1MAC = MAC(address: m1.address, network: network), m2MAC = MAC(address: m2.address, network: network)
        m1.sendFrame(network: network, source: m1MAC, destination: m2MAC, etherType: 0x0800, payload: [1, 2, 3], now: world.now)
        m2.sendFrame(network: network, source: m2MAC, destination: m1MAC, etherType: 0x0800, payload: [4, 5, 6], now: world.now)
        m1.echo(root.address, now: world.now)
        m2.echo(root.address, now: world.now)
        world.settle()
        #expect(world.frames[m2.address]?.map(\.payload) == [[1, 2, 3]])
        #expect(world.frames[m1.address]?.map(\.payload) == [[4, 5, 6]])
        #expect(world.echoes[m1.address]?.count == 1 && world.echoes[m2.address]?.count == 1)

        let toEleven = try Self.packets(in: world, from: m1.address, to: m2.address) + Self.packets(in: world, from: root.address, to: m2.address)
        let fromEleven = try Self.packets(in: world, from: m2.address, to: m1.address) + Self.packets(in: world, from: m2.address, to: root.address)
        let twelves = try Self.packets(in: world, from: m1.address, to: root.address) + Self.packets(in: world, from: root.address, to: m1.address)
        #expect(toEleven.contains { $0.verb == .frame } && fromEleven.contains { $0.verb == .frame })
        #expect((toEleven + fromEleven).allSatisfy { $0.cipher == .salsa2012Poly1305 })
        #expect(!twelves.isEmpty && twelves.allSatisfy { $0.cipher == .aesGmacSiv })
        let m2View = try #require(root.peerSnapshots(now: world.now).first { $0.identity.address == m2.address })
        #expect(m2View.version?.protocolVersion == 11)
    }
}
