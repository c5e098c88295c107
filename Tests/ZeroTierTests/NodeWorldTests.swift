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
}
