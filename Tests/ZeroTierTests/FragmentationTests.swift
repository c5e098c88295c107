import Testing
@testable import ZeroTier

@Suite struct FragmentationTests {
    static let m1 = Address("0f845b7051")!
    static let m2 = Address("eddffe2b19")!

    /// A packet of `length` bytes (header included) with recognisable payload bytes, flagged as `Fragmenter` wants.
    static func packet(length: Int, id: UInt64 = 0x0102_0304_0506_0708, fragmenter: Fragmenter = Fragmenter()) -> Packet {
        var packet = Packet(header: PacketHeader(packetID: id, destination: m2, source: m1, cipher: .aesGmacSiv, verb: .frame),
                            payload: (0..<(length - PacketHeader.size)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
        fragmenter.prepare(&packet)
        return packet
    }

    @Test func packetsUpToTheMTUTravelWhole() throws {
        let fragmenter = Fragmenter()
        for length in [28, 100, 1431, 1432] {
            let packet = Self.packet(length: length)
            #expect(!packet.header.flags.isFragmented)
            #expect(try fragmenter.split(packet.encoded()) == [packet.encoded()])
        }
    }

    @Test func splitsLikeZeroTier() throws {
        let fragmenter = Fragmenter()
        #expect(fragmenter.fragmentDataSize == 1416)
        // The captured 2 000-byte ping: a 2 066-byte packet went out as a 1 432-byte head and a 650-byte fragment.
        let cases: [(length: Int, sizes: [Int])] = [
            (1433, [1432, 17]), (2066, [1432, 650]), (2848, [1432, 1432]), (2849, [1432, 1432, 17]),
            (fragmenter.maxPacketLength, [1432] + Array(repeating: 1432, count: 6)),
        ]
        for (length, sizes) in cases {
            let packet = Self.packet(length: length)
            #expect(packet.header.flags.isFragmented)
            let datagrams = try fragmenter.split(packet.encoded())
            #expect(datagrams.map(\.count) == sizes, "length \(length)")
            #expect(Array(datagrams[0]) == Array(packet.encoded().prefix(1432)))
            for (index, datagram) in datagrams.enumerated().dropFirst() {
                let fragment = try Fragment(bytes: datagram)
                #expect(fragment.number == UInt8(index) && fragment.total == UInt8(sizes.count) && fragment.hops == 0)
                #expect(fragment.packetID == packet.header.packetID && fragment.destination == Self.m2)
            }
        }
        #expect(fragmenter.maxPacketLength == 9928)
    }

    @Test func refusesWhatReceiversWouldDrop() {
        let fragmenter = Fragmenter()
        let tooBig = Self.packet(length: fragmenter.maxPacketLength + 1)
        #expect(throws: FragmentationError.tooManyFragments(8)) { try fragmenter.split(tooBig.encoded()) }
        var unflagged = Self.packet(length: 2000)
        unflagged.header.flags.isFragmented = false
        #expect(throws: FragmentationError.fragmentedFlagMismatch(expected: true)) { try fragmenter.split(unflagged.encoded()) }
        var flagged = Self.packet(length: 200)
        flagged.header.flags.isFragmented = true
        #expect(throws: FragmentationError.fragmentedFlagMismatch(expected: false)) { try fragmenter.split(flagged.encoded()) }
        #expect(throws: FragmentationError.notAPacket(length: 27)) { try fragmenter.split([UInt8](repeating: 0, count: 27)) }
    }

    @Test func reassemblesInAnyOrder() throws {
        var generator = SplitMix64(seed: 42)
        for mtu in [1432, 1400, 576] {
            let fragmenter = Fragmenter(mtu: mtu)
            for length in [mtu + 1, 2066, fragmenter.maxPacketLength] {
                let packet = Self.packet(length: length, fragmenter: fragmenter)
                var datagrams = try fragmenter.split(packet.encoded())
                datagrams.shuffle(using: &generator)
                var reassembler = Reassembler()
                var outcomes = [Reassembler.Outcome]()
                for datagram in datagrams {
                    switch try Datagram(bytes: datagram) {
                    case let .packet(head): outcomes.append(reassembler.receive(head: head, now: 1_000))
                    case let .fragment(fragment): outcomes.append(reassembler.receive(fragment, now: 1_000))
                    case .beacon: Issue.record("beacon")
                    }
                }
                #expect(outcomes.dropLast().allSatisfy { $0 == .pending })
                #expect(outcomes.last == .complete(packet))
                #expect(reassembler.pendingCount == 0)
            }
        }
    }

    @Test func dropsDuplicatesAndInconsistentPieces() throws {
        let packet = Self.packet(length: 3000)
        let datagrams = try Fragmenter().split(packet.encoded())
        #expect(datagrams.count == 3)
        let head = try Packet(bytes: datagrams[0])
        let first = try Fragment(bytes: datagrams[1]), second = try Fragment(bytes: datagrams[2])
        var reassembler = Reassembler()
        #expect(reassembler.receive(first, now: 0) == .pending)
        #expect(reassembler.receive(first, now: 1) == .dropped(.duplicate))
        var wrongTotal = second
        wrongTotal.total = 4
        #expect(reassembler.receive(wrongTotal, now: 2) == .dropped(.inconsistentTotal))
        var elsewhere = second
        elsewhere.destination = Self.m1
        #expect(reassembler.receive(elsewhere, now: 2) == .dropped(.destinationMismatch))
        #expect(reassembler.receive(head: head, now: 3) == .pending)
        #expect(reassembler.receive(head: head, now: 4) == .dropped(.duplicate))
        #expect(reassembler.receive(second, now: 5) == .complete(packet))
        // Once complete, the packet is forgotten: a late duplicate starts a new (incomplete) entry.
        #expect(reassembler.receive(second, now: 6) == .pending)

        var unfragmented = head
        unfragmented.header.flags.isFragmented = false
        #expect(reassembler.receive(head: unfragmented, now: 7) == .dropped(.notFragmented))
        var eight = first
        eight.total = 8
        #expect(reassembler.receive(eight, now: 7) == .dropped(.tooManyFragments))
    }

    @Test func forgetsIncompletePacketsAfterTheTimeout() throws {
        let datagrams = try Fragmenter().split(Self.packet(length: 2066).encoded())
        let head = try Packet(bytes: datagrams[0]), fragment = try Fragment(bytes: datagrams[1])
        var reassembler = Reassembler()
        #expect(reassembler.nextDeadline == nil)
        #expect(reassembler.receive(head: head, now: 10_000) == .pending)
        #expect(reassembler.nextDeadline == 15_000)
        reassembler.expire(now: 15_000)
        #expect(reassembler.pendingCount == 1)
        // 5 001 ms later the head is gone, so the fragment alone waits for a new head.
        #expect(reassembler.receive(fragment, now: 15_001) == .pending)
        #expect(reassembler.pendingCount == 1)
        #expect(reassembler.receive(head: head, now: 15_002) == .complete(try Packet(bytes: datagrams[0] + datagrams[1].dropFirst(16))))
    }

    @Test func evictsTheOldestWhenFull() throws {
        var reassembler = Reassembler(configuration: .init(capacity: 4))
        var heads = [Packet]()
        var fragments = [Fragment]()
        for id in UInt64(1)...6 {
            let datagrams = try Fragmenter().split(Self.packet(length: 2000, id: id).encoded())
            heads.append(try Packet(bytes: datagrams[0]))
            fragments.append(try Fragment(bytes: datagrams[1]))
        }
        for index in 0..<6 {
            #expect(reassembler.receive(head: heads[index], now: Int64(index)) == .pending)
            #expect(reassembler.pendingCount == min(index + 1, 4))
        }
        // Packets 1 and 2 were evicted; their fragments now start new entries instead of completing.
        #expect(reassembler.receive(fragments[0], now: 10) == .pending)
        guard case .complete = reassembler.receive(fragments[5], now: 11) else { Issue.record("packet 6 incomplete"); return }
        // Packet 3 made room for packet 1's fragment; packet 6 left when complete.
        #expect(reassembler.pendingCount == 3)
        #expect(reassembler.nextDeadline == Int64(3 + 5_000))
    }

    @Test func staysBoundedUnderRandomTraffic() throws {
        var generator = SplitMix64(seed: 7)
        var reassembler = Reassembler()
        var now: Int64 = 0
        for _ in 0..<5_000 {
            now += Int64.random(in: 0...20, using: &generator)
            let id = UInt64.random(in: 0..<64, using: &generator)
            if Bool.random(using: &generator) {
                var packet = Self.packet(length: Int.random(in: 28...200, using: &generator), id: id)
                packet.header.flags.isFragmented = true
                _ = reassembler.receive(head: packet, now: now)
            } else {
                let total = UInt8.random(in: 2...15, using: &generator)
                let fragment = Fragment(packetID: id, destination: Self.m2, number: UInt8.random(in: 1..<total, using: &generator),
                                        total: total, data: .random(count: Int.random(in: 0...64, using: &generator), using: &generator))
                _ = reassembler.receive(fragment, now: now)
            }
            #expect(reassembler.pendingCount <= 32)
        }
    }
}
