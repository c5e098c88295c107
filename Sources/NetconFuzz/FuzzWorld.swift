import ZeroTier

/// Two engine nodes that live for the whole fuzzing run — a member (the capture's m1) and the root of a
/// private planet at 127.0.0.1/9993, which also controls a network the member joined — wired together in
/// memory, with a fake clock that moves 250 ms per input.
/// Nothing leaves the process: the nodes' datagrams are handed to each other or dropped.
///
/// The first input byte picks what the rest is:
///
/// | bits | meaning |
/// |---|---|
/// | `% 3` | 0: from the root (127.0.0.1/9993) to the member; 1: from m1 (127.0.0.1/10000) to the root; 2: from m2 (127.0.0.1/10001) to the root |
/// | `0x08` | the input is a *plaintext* packet: the harness writes the sender's address and armors it with the key the two share, so it passes authentication and reaches the verb handlers |
/// | `0x10` | armored: encrypt (Salsa20/12-Poly1305) rather than MAC only |
/// | `0x20` | armored: also split into a head and fragments (count from the second byte) |
/// | `0x40` | armored: keep the input's destination instead of the receiving node's (relaying) |
///
/// Without `0x08` the input is one datagram delivered as it is, which is what the pcap seeds are: packets from
/// the root to m1 in the capture authenticate for real, since the member has m1's key.
final class FuzzWorld {
    /// libFuzzer calls the entry point from one thread only, so the one world needs no lock.
    nonisolated(unsafe) static let shared = FuzzWorld()

    let member: Node
    let root: Node
    let m1: Identity
    let m2: Identity
    let rootIdentity: Identity
    /// Keys of the three sender → receiver pairs, in the order of the selector (`% 3`).
    let senders: [(source: Identity, receiver: Node, endpoint: InetEndpoint, key: SecretBytes)]
    private var now: Int64 = FuzzFixtures.startTime

    private init() {
        m1 = try! Identity(FuzzFixtures.m1Secret)
        m2 = try! Identity(FuzzFixtures.m2Secret)
        rootIdentity = try! Identity(FuzzFixtures.rootSecret)
        let planet = FuzzFixtures.planet(root: rootIdentity)
        var seed: UInt64 = 0x6e65_7463_6f6e
        member = Node(identity: m1, planet: planet, randomPacketID: { FuzzFixtures.splitMix(&seed) })
        root = Node(identity: rootIdentity, planet: planet, randomPacketID: { FuzzFixtures.splitMix(&seed) })
        member.networks = FuzzFixtures.networks
        // The root is also the controller of a private network m1 is admitted to and m2 is not, so config
        // requests from either reach the controller's code, and the member holds a config and certificate.
        let store = InMemoryControllerStore()
        let controlled = NetworkID(controller: rootIdentity.address, number: 1)
        store.save(ControllerNetwork(id: controlled, name: "fuzz", creationTime: 1, ipv4Pools: [.init(first: 0x0a63_000a, last: 0x0a63_00fa)],
                                     routes: [.init(target: .v4(0x0a63_0000), prefixLength: 24)], rfc4193: true))
        store.save(ControllerMember(network: controlled, address: m1.address, authorized: true, creationTime: 1))
        root.controller = NetworkController(identity: rootIdentity, store: store)
        // The root knows both members from the start (as after a restart with a peer cache), so packets
        // relayed between them and RENDEZVOUS have somewhere to go.
        root.restore([CachedPeer(identity: m1.publicOnly, endpoints: [FuzzFixtures.m1Endpoint]),
                      CachedPeer(identity: m2.publicOnly, endpoints: [FuzzFixtures.m2Endpoint])], now: now)
        senders = [
            (rootIdentity, member, FuzzFixtures.rootEndpoint, rootIdentity.agree(with: m1)!),
            (m1, root, FuzzFixtures.m1Endpoint, m1.agree(with: rootIdentity)!),
            (m2, root, FuzzFixtures.m2Endpoint, m2.agree(with: rootIdentity)!),
        ]
        exchange()
        member.join(controlled, now: now)
        for _ in 0..<4 {
            member.processBackgroundTasks(now: now)
            root.processBackgroundTasks(now: now)
            exchange()
        }
        FuzzCheck.require(member.joinedNetworks.first { $0.id == controlled }?.config != nil,
                          "the member got no config from the fuzzing world's controller")
    }

    func run(_ input: [UInt8]) {
        now += 250
        guard let selector = input.first else { return }
        let sender = senders[Int(selector) % senders.count]
        if selector & 0x08 == 0 {
            sender.receiver.receive(input, from: sender.endpoint, now: now)
        } else {
            for datagram in armored(input, selector: selector, source: sender.source.address,
                                    destination: sender.receiver.address, key: sender.key) {
                sender.receiver.receive(datagram, from: sender.endpoint, now: now)
            }
        }
        exchange()
        member.processBackgroundTasks(now: now)
        root.processBackgroundTasks(now: now)
        exchange()
    }

    /// The input as a packet from `source`, armored with `key`, as one datagram or a head and fragments.
    private func armored(_ input: [UInt8], selector: UInt8, source: Address, destination: Address,
                         key: SecretBytes) -> [[UInt8]] {
        guard input.count >= PacketHeader.size, input.count <= ProtocolLimits.maxPacketLength else { return [input] }
        var packet = input
        if selector & 0x40 == 0 { packet.replaceSubrange(8..<13, with: destination.bytes) }
        packet.replaceSubrange(13..<18, with: source.bytes)
        let fragmentCount = selector & 0x20 == 0 ? 1 : 2 + Int(input[1]) % (ProtocolLimits.maxFragments - 1)
        let flagsIndex = 18, fragmentedBit: UInt8 = 0x40
        if fragmentCount > 1 { packet[flagsIndex] |= fragmentedBit } else { packet[flagsIndex] &= ~fragmentedBit }
        PacketArmor.armor(&packet, key: key, encryptPayload: selector & 0x10 != 0)
        guard fragmentCount > 1 else { return [packet] }

        // The head keeps the header and an equal share of the rest; fragments carry the following shares.
        let share = max(1, (packet.count - PacketHeader.size) / fragmentCount)
        var datagrams = [Array(packet[0..<min(packet.count, PacketHeader.size + share)])]
        var offset = datagrams[0].count
        let packetID = UInt64(bigEndian: packet.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let target = Address(bytes: packet[8..<13])
        for number in 1..<fragmentCount {
            let end = number == fragmentCount - 1 ? packet.count : min(packet.count, offset + share)
            datagrams.append(Fragment(packetID: packetID, destination: target, number: UInt8(number),
                                      total: UInt8(fragmentCount), data: Array(packet[offset..<end])).encoded())
            offset = end
        }
        // Out of order sometimes: the reassembler must not care.
        if input[1] & 0x80 != 0 { datagrams.reverse() }
        return datagrams
    }

    /// Delivers what the two nodes send each other until they are quiet (bounded); drops everything else.
    private func exchange() {
        for _ in 0..<4 {
            var moved = false
            for (from, to, fromEndpoint, toEndpoint) in [(member, root, FuzzFixtures.m1Endpoint, FuzzFixtures.rootEndpoint),
                                                         (root, member, FuzzFixtures.rootEndpoint, FuzzFixtures.m1Endpoint)] {
                for case let .datagram(bytes, endpoint, _) in from.drainOutputs() where endpoint == toEndpoint {
                    to.receive(bytes, from: fromEndpoint, now: now)
                    moved = true
                }
            }
            if !moved { return }
        }
        _ = member.drainOutputs()
        _ = root.drainOutputs()
    }
}
