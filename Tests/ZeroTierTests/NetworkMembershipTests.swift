import Testing
@testable import ZeroTier

/// Members and a controller in one process: config requests, authorization, IP assignment, certificates.
@Suite struct NetworkMembershipTests {
    let rootAddress = Address("4518434e30")!

    func privateNetwork(_ number: UInt32 = 1) -> ControllerNetwork {
        ControllerNetwork(id: NetworkID(controller: rootAddress, number: number), name: "lab", isPrivate: true, creationTime: 1,
                          ipv4Pools: [.init(first: 0x0a05_000a, last: 0x0a05_00fa)],
                          routes: [.init(target: .v4(0x0a05_0000), prefixLength: 24)], rfc4193: true)
    }

    func state(_ node: Node, _ network: NetworkID) -> NetworkSnapshot? { node.joinedNetworks.first { $0.id == network } }

    @Test func aPrivateNetworkDeniesUntilAuthorizedThenAssignsAddresses() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        let network = privateNetwork()
        let store = try world.makeRootController([network])
        let m1 = try world.node("m1"), root = try world.node("root")
        world.run(milliseconds: 2_000)
        m1.join(network.id, now: world.now)
        world.run(milliseconds: 1_000)
        #expect(state(m1, network.id)?.state == .accessDenied)
        #expect(store.member(m1.address, of: network.id)?.authorized == false)

        var member = try #require(store.member(m1.address, of: network.id))
        member.authorized = true
        store.save(member)
        root.controllerChanged(network.id, now: world.now)
        world.settle()
        let configured = try #require(state(m1, network.id))
        #expect(configured.state == .ok)
        let config = try #require(configured.config)
        #expect(config.name == "lab" && config.isPrivate && config.mtu == 2800)
        #expect(config.staticIPs.contains { $0.ip.isIPv4 && $0.prefixLength == 24 })
        #expect(config.staticIPs.contains(IPPrefix.rfc4193(network: network.id, member: m1.address)))
        #expect(config.certificateOfMembership?.isSigned(by: root.identity) == true)
        #expect(store.member(m1.address, of: network.id)?.ipAssignments.count == 1)
    }

    @Test func publicNetworksAssignWithoutAuthorizationAndNeverTwiceTheSameAddress() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        var network = privateNetwork(2)
        network.isPrivate = false
        network.ipv4Pools = [.init(first: 0x0a05_0001, last: 0x0a05_0003)]  // ZeroTier never hands out a pool's last address
        let store = try world.makeRootController([network])
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        world.run(milliseconds: 2_000)
        m1.join(network.id, now: world.now)
        m2.join(network.id, now: world.now)
        world.run(milliseconds: 4_000)
        let first = try #require(state(m1, network.id)?.config?.assignedIPv4.first?.ip)
        let second = try #require(state(m2, network.id)?.config?.assignedIPv4.first?.ip)
        #expect(first != second)
        #expect(Set(store.members(of: network.id).flatMap(\.ipAssignments)).count == 2)
    }

    @Test func privateFramesNeedCertificatesAndStopAfterRevocation() throws {
        let world = try InMemoryWorld(members: ["m1", "m2"])
        let network = privateNetwork(3)
        let store = try world.makeRootController([network])
        for name in ["m1", "m2"] {
            store.save(ControllerMember(network: network.id, address: try world.node(name).address, authorized: true, creationTime: 1))
        }
        let m1 = try world.node("m1"), m2 = try world.node("m2")
        world.run(milliseconds: 2_000)
        m1.join(network.id, now: world.now)
        m2.join(network.id, now: world.now)
        world.run(milliseconds: 2_000)
        #expect(state(m1, network.id)?.state == .ok && state(m2, network.id)?.state == .ok)
        let m1MAC = MAC(address: m1.address, network: network.id), m2MAC = MAC(address: m2.address, network: network.id)
        m1.sendFrame(network: network.id, source: m1MAC, destination: m2MAC, etherType: 0x0800, payload: [1], now: world.now)
        world.settle()
        #expect(world.frames[m2.address]?.count == 1)

        // A foreign source MAC is bridging, which this network does not allow m1: dropped and counted.
        m1.sendFrame(network: network.id, source: MAC(rawValue: 0x0200_0000_0001)!, destination: m2MAC, etherType: 0x0800, payload: [9], now: world.now)
        world.settle()
        #expect(world.frames[m2.address]?.count == 1)
        #expect(m2.counters.dropped[.bridgingNotAllowed] == 1)

        // m1 is revoked: the controller tells m1 (ACCESS_DENIED) and m2 (a signed revocation).
        let before = m2.counters.dropped[.noCertificate] ?? 0
        try world.revoke(m1.address, on: network.id, in: store)
        #expect(state(m1, network.id)?.state == .accessDenied)
        // m2 still holds m1's old certificate, but the revocation voids it.
        world.frames[m2.address] = []
        m1.sendFrame(network: network.id, source: m1MAC, destination: m2MAC, etherType: 0x0800, payload: [2], now: world.now)
        world.settle()
        #expect(world.frames[m2.address]?.isEmpty == true)
        #expect((m2.counters.dropped[.noCertificate] ?? 0) > before)
    }
}
