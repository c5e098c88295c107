import Testing
@testable import ZeroTier

/// What a peer that is not what it claims can do to a private network: nothing. Frames of every kind from a
/// non-member or a revoked member are dropped, packets forged in another peer's name fail authentication, and
/// packets replayed later change nothing.
@Suite struct HostilePeerTests {
    let rootAddress = Address("4518434e30")!

    func privateNetwork() -> ControllerNetwork {
        ControllerNetwork(id: NetworkID(controller: rootAddress, number: 7), name: "closed", isPrivate: true, creationTime: 1,
                          ipv4Pools: [.init(first: 0x0a07_000a, last: 0x0a07_00fa)],
                          routes: [.init(target: .v4(0x0a07_0000), prefixLength: 24)])
    }

    func state(_ node: Node, _ network: NetworkID) -> NetworkSnapshot? { node.joinedNetworks.first { $0.id == network } }

    /// A world whose members all joined the private network, the `authorized` ones admitted by the controller.
    func joinedWorld(_ members: [String], authorized: Set<String>) throws
        -> (world: InMemoryWorld, network: ControllerNetwork, store: InMemoryControllerStore) {
        let world = try InMemoryWorld(members: members)
        let network = privateNetwork()
        let store = try world.makeRootController([network])
        for name in authorized {
            store.save(ControllerMember(network: network.id, address: try world.node(name).address, authorized: true, creationTime: 1))
        }
        world.run(milliseconds: 2_000)
        for name in members { try world.node(name).join(network.id, now: world.now) }
        world.run(milliseconds: 2_000)
        return (world, network, store)
    }

    /// A unicast FRAME, an EXT_FRAME, a broadcast ARP request and a MULTICAST_FRAME from `sender` to `receiver`,
    /// each carrying the certificate `sender` holds (if any), sent by hand as a hostile node would.
    func sendEveryKindOfFrame(from sender: Node, to receiver: Node, on network: NetworkID, certificate: CertificateOfMembership?,
                              now: Int64) {
        let source = MAC(address: sender.address, network: network), destination = MAC(address: receiver.address, network: network)
        let arp: UInt16 = 0x0806, ipv4: UInt16 = 0x0800
        let broadcast = MulticastGroup(mac: MAC(rawValue: 0xffff_ffff_ffff)!, adi: 0x0a07_0001)
        sender.send(.frame, FrameMessage(network: network, etherType: ipv4, payload: [1, 2, 3]).encoded(), to: receiver.address, now: now)
        sender.send(.extFrame, ExtFrameMessage(network: network, certificate: certificate, destinationMAC: destination,
                                               sourceMAC: source, etherType: ipv4, payload: [4]).encoded(), to: receiver.address, now: now)
        sender.send(.extFrame, ExtFrameMessage(network: network, certificate: certificate, destinationMAC: broadcast.mac,
                                               sourceMAC: source, etherType: arp, payload: [5]).encoded(), to: receiver.address, now: now)
        sender.send(.multicastFrame, MulticastFrameMessage(network: network, certificate: certificate, sourceMAC: source,
                                                           group: broadcast, etherType: arp, payload: [6]).encoded(),
                    to: receiver.address, now: now)
    }

    @Test func aNonMemberDeliversNoFrameOfAnyKind() throws {
        // m2 is never authorized: no certificate, ACCESS_DENIED.
        let (world, network, _) = try joinedWorld(["m1", "m2"], authorized: ["m1"])
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        #expect(state(m1, network.id)?.state == .ok && state(m2, network.id)?.state == .accessDenied)

        // m2 even presents a certificate it made up (signed by itself, not the controller).
        let forged = CertificateOfMembership(issuedTo: m2.identity, network: network.id, timestamp: world.now, maxDelta: 7_200_000)
            .signed(by: m2.identity)
        sendEveryKindOfFrame(from: m2, to: m1, on: network.id, certificate: forged, now: world.now)
        world.settle()
        #expect(world.frames[m1.address, default: []].isEmpty)
        #expect((m1.counters.dropped[.noCertificate] ?? 0) + (m1.counters.dropped[.invalidCredential] ?? 0) >= 4)
    }

    @Test func aRevokedMemberDeliversNoFrameOfAnyKindEvenReplayingItsOldCredentials() throws {
        let (world, network, store) = try joinedWorld(["m1", "m2"], authorized: ["m1", "m2"])
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        let certificate = try #require(state(m1, network.id)?.config?.certificateOfMembership)
        sendEveryKindOfFrame(from: m1, to: m2, on: network.id, certificate: certificate, now: world.now)
        world.settle()
        let delivered = world.frames[m2.address, default: []].count
        #expect(delivered >= 3, "a member's frames are delivered (\(delivered))")
        // What m1 sent m2 while it was a member, to be replayed after its revocation.
        let recorded = world.log.filter { $0.from == m1.address && $0.to == m2.address }.map(\.bytes)

        try world.revoke(m1.address, on: network.id, in: store)
        world.frames[m2.address] = []

        // m1 goes on with its old, validly signed certificate; then its recorded packets come again, verbatim.
        sendEveryKindOfFrame(from: m1, to: m2, on: network.id, certificate: certificate, now: world.now)
        m1.send(.networkCredentials, NetworkCredentialsMessage(certificatesOfMembership: [certificate]).encoded(),
                to: m2.address, now: world.now)
        world.settle()
        for bytes in recorded { m2.receive(bytes, from: world.endpoints[m1.address]!, now: world.now) }
        world.settle()
        #expect(world.frames[m2.address, default: []].isEmpty)
    }

    @Test func aPacketInAnotherPeersNameFailsAuthentication() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        world.run(milliseconds: 2_000)
        m1.send(.echo, [1], to: m2.address, now: world.now)
        world.run(milliseconds: 2_000)
        let knownBefore = try #require(m1.peerSnapshots(now: world.now).first { $0.identity.address == m2.address }?.identity)

        // The attacker has its own identity and shares a key with m1, but not m2's.
        let attacker = try Identity(Vectors.text("identities/id1.secret"))
        let key = try #require(attacker.agree(with: m1.identity))
        for verb in [Verb.echo, .frame, .hello] {
            var bytes = Packet(header: PacketHeader(packetID: 77, destination: m1.address, source: m2.address, cipher: .salsa2012Poly1305,
                                                    verb: verb),
                               payload: [0, 1, 2, 3]).encoded()
            PacketArmor.armor(&bytes, key: key, encryptPayload: true)
            #expect(m1.receive(bytes, from: InetEndpoint("127.0.0.66/4000")!, now: world.now) == .dropped(.authenticationFailed))
        }
        // A HELLO carrying the attacker's identity under m2's address is not m2 either.
        let hello = HelloMessage(version: SoftwareVersion(major: 1, minor: 14, revision: 1), timestamp: 1, identity: attacker,
                                 destination: nil, planet: nil)
        var bytes = Packet(header: PacketHeader(packetID: 78, destination: m1.address, source: m2.address, cipher: .poly1305None,
                                                verb: .hello), payload: hello.encoded()).encoded()
        PacketArmor.armor(&bytes, key: key, encryptPayload: false)
        let outcome = m1.receive(bytes, from: InetEndpoint("127.0.0.66/4000")!, now: world.now)
        #expect(outcome == .dropped(.identityMismatch) || outcome == .dropped(.authenticationFailed))
        // m2 is still m2, reached where it was.
        let known = m1.peerSnapshots(now: world.now).first { $0.identity.address == m2.address }
        #expect(known?.identity == knownBefore)
        #expect(known?.paths.allSatisfy { $0.endpoint != InetEndpoint("127.0.0.66/4000")! } == true)
    }

    @Test func repliesAndConfigsReplayedLaterChangeNothing() throws {
        let (world, network, store) = try joinedWorld(["m1"], authorized: ["m1"])
        let m1 = try world.node("m1"), root = try world.node("root")
        let first = try #require(state(m1, network.id)?.config)
        let fromRoot = world.log.filter { $0.from == root.address && $0.to == m1.address }.map(\.bytes)

        // A newer config (another address for m1) arrives; then everything the root ever sent comes again.
        var member = try #require(store.member(m1.address, of: network.id))
        member.ipAssignments = [.v4(0x0a07_0063)]
        store.save(member)
        root.controllerChanged(network.id, now: world.now)
        world.settle()
        let newer = try #require(state(m1, network.id)?.config)
        #expect(newer.revision > first.revision || newer.timestamp > first.timestamp)
        let unexpectedBefore = m1.counters.dropped[.unexpectedReply] ?? 0
        for bytes in fromRoot { m1.receive(bytes, from: world.endpoints[root.address]!, now: world.now) }
        world.settle()
        #expect(state(m1, network.id)?.config == newer, "a replayed old config replaced the newer one")
        #expect((m1.counters.dropped[.unexpectedReply] ?? 0) > unexpectedBefore, "replayed replies were not refused")
        #expect(m1.isOnline(now: world.now))
    }
}
