import Foundation
import Synchronization
import Testing
@testable import ZeroTier

/// Cipher suite 3 (AES-GMAC-SIV) against ZeroTier's own `Packet::armor` (`kat/armor-kat.json`) and every
/// suite-3 packet of the captured session.
@Suite struct AESGMACSIVTests {
    struct KAT: Decodable {
        struct Case: Decodable {
            var `case`: String
            var packet_id, plaintext_packet, armored_packet: String
        }
        var aes_gmac_siv_k0_kbkdf_48, aes_gmac_siv_k1_kbkdf_48: String
        var packets: [Case]
    }

    static func kat() throws -> KAT { try Vectors.json(KAT.self, "kat/armor-kat.json") }

    static func katCase() throws -> KAT.Case { try #require(try kat().packets.first { $0.case.contains("cipher 3") }) }

    static func keys() throws -> AESGMACSIVKeys { AESGMACSIVKeys(peerKey: try PacketArmorTests.peerKey()) }

    static func packetID(_ bytes: some Collection<UInt8>) -> UInt64 { bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) } }

    @Test func armorReproducesZeroTierAndDearmorRestores() throws {
        let vector = try Self.katCase()
        let keys = try Self.keys()
        let plain = try Vectors.hex(vector.plaintext_packet)
        let armored = try Vectors.hex(vector.armored_packet)
        #expect(Hex.encode(plain[0..<8]) == vector.packet_id)

        var packet = plain
        #expect(PacketArmor.armor(&packet, keys: keys))
        #expect(packet == armored)
        #expect(packet[18] == 0x18)

        var received = armored
        let original = PacketArmor.dearmorRecoveringPacketID(&received, keys: keys)
        #expect(original == Self.packetID(plain))
        #expect(received[27...] == plain[27...])
        // The header keeps the wire ID (what OK/ERROR refer to) and the synthetic-IV half in the MAC field.
        #expect(received[0..<27] == armored[0..<27])

        var viaDispatch = armored
        #expect(PacketArmor.dearmor(&viaDispatch, key: try PacketArmorTests.peerKey(), aesKeys: keys))
        #expect(viaDispatch == received)
    }

    /// The node's entry point evaluates the AES keys only for suite-3 packets.
    @Test func dispatchDerivesAESKeysOnlyForSuite3() throws {
        let key = try PacketArmorTests.peerKey()
        let keys = try Self.keys()
        var derivations = 0
        func lazyKeys() -> AESGMACSIVKeys { derivations += 1; return keys }
        for vector in try Self.kat().packets {
            var packet = try Vectors.hex(vector.armored_packet)
            #expect(PacketArmor.dearmor(&packet, key: key, aesKeys: lazyKeys()), "\(vector.case)")
        }
        #expect(derivations == 1)
        var short: [UInt8] = [0x18]
        #expect(!PacketArmor.dearmor(&short, key: key, aesKeys: lazyKeys()))
        #expect(derivations == 1)
    }

    @Test func anyTamperingFailsButHopsMayChange() throws {
        let keys = try Self.keys()
        let armored = try Vectors.hex(try Self.katCase().armored_packet)
        for index in armored.indices {
            for bit in 0..<8 where index != 18 || bit >= 3 {
                var tampered = armored
                tampered[index] ^= 1 << bit
                #expect(!PacketArmor.dearmor(&tampered, keys: keys), "byte \(index) bit \(bit)")
                #expect(tampered == { var t = armored; t[index] ^= 1 << bit; return t }(), "left untouched")
            }
        }
        for hops: UInt8 in 0...7 {
            var relayed = armored
            relayed[18] = relayed[18] & 0xf8 | hops
            #expect(PacketArmor.dearmor(&relayed, keys: keys), "hops \(hops) are outside the GMAC")
        }
        var extended = armored + [0]
        #expect(!PacketArmor.dearmor(&extended, keys: keys))
        var otherKeys = armored
        #expect(!PacketArmor.dearmor(&otherKeys, keys: AESGMACSIVKeys(peerKey: SecretBytes([UInt8](repeating: 7, count: 48)))))
        // Suites 0/1 with the plain peer key do not open suite 3, and suite 3 opens nothing else.
        var salsaPath = armored
        #expect(!PacketArmor.dearmor(&salsaPath, key: try PacketArmorTests.peerKey()))
        for vector in try Self.kat().packets where !vector.case.contains("cipher 3") {
            var other = try Vectors.hex(vector.armored_packet)
            #expect(!PacketArmor.dearmor(&other, keys: keys))
        }
    }

    @Test func truncationsAndRandomInputFailWithoutTrapping() throws {
        let keys = try Self.keys()
        let armored = try Vectors.hex(try Self.katCase().armored_packet)
        for length in 0..<armored.count {
            var truncated = Array(armored[0..<length])
            #expect(!PacketArmor.dearmor(&truncated, keys: keys), "length \(length)")
            #expect(truncated == Array(armored[0..<length]))
        }
        var generator = SplitMix64(seed: 3)
        for length in [0, 1, 18, 19, 27, 28, 29, 43, 44, 45, 1432, 10_000, 70_000] {
            var packet = [UInt8].random(count: length, using: &generator)
            if length > 18 { packet[18] = 0x18 }
            let before = packet
            #expect(!PacketArmor.dearmor(&packet, keys: keys), "length \(length)")
            #expect(packet == before)
        }
        for length in 0..<PacketArmor.minimumPacketLength {
            var short = [UInt8](repeating: 0x18, count: length)
            #expect(!PacketArmor.armor(&short, keys: keys))
            #expect(short == [UInt8](repeating: 0x18, count: length))
        }
    }

    @Test func armorRoundTripsAtEveryShortLengthAndLargeOnes() throws {
        let keys = try Self.keys()
        var generator = SplitMix64(seed: 12)
        for length in Array(28..<300) + [1432, 2066, 10_000] {
            var plain = [UInt8].random(count: length, using: &generator)
            plain[18] = plain[18] & 0xc7   // any fragment/legacy/hops bits, suite to be set by armor
            var packet = plain
            #expect(PacketArmor.armor(&packet, keys: keys))
            #expect(packet[8..<18] == plain[8..<18])
            #expect(packet[18] == plain[18] & 0x47 | 0x18)
            var again = plain
            #expect(PacketArmor.armor(&again, keys: keys) && again == packet, "deterministic")
            let armored = packet
            #expect(PacketArmor.dearmorRecoveringPacketID(&packet, keys: keys) == Self.packetID(plain), "length \(length)")
            #expect(packet[27...] == plain[27...])
            packet.replaceSubrange(0..<8, with: plain[0..<8])
            #expect(PacketArmor.armor(&packet, keys: keys) && packet == armored)
        }
    }

    // MARK: - Against the swift-crypto reference

    /// The in-place C code and the independent swift-crypto implementation agree byte for byte, each opens
    /// what the other sealed, and the raw-buffer entry points do the same as the array ones.
    @Test func inPlaceCodeMatchesTheSwiftCryptoReference() throws {
        let peerKey = try PacketArmorTests.peerKey()
        let keys = AESGMACSIVKeys(peerKey: peerKey)
        let reference = ReferenceAESGMACSIV.Keys(peerKey: peerKey)
        var generator = SplitMix64(seed: 33)
        for length in Array(28..<160) + [255, 256, 257, 1400, 1432, 2066, 4096, ProtocolLimits.maxPacketLength] {
            let plain = [UInt8].random(count: length, using: &generator)  // any flags: fragment, legacy, suite, hops
            var fast = plain, slow = plain
            #expect(PacketArmor.armor(&fast, keys: keys))
            #expect(ReferenceAESGMACSIV.armor(&slow, keys: reference))
            #expect(fast == slow, "length \(length)")

            var viaPointer = plain
            #expect(viaPointer.withUnsafeMutableBytes { PacketArmor.armor($0, keys: keys) })
            #expect(viaPointer == fast)

            var openedBySlow = fast
            #expect(ReferenceAESGMACSIV.dearmorRecoveringPacketID(&openedBySlow, keys: reference) == Self.packetID(plain))
            var openedByFast = slow
            #expect(PacketArmor.dearmorRecoveringPacketID(&openedByFast, keys: keys) == Self.packetID(plain))
            #expect(openedByFast == openedBySlow)
            #expect(openedByFast[27...] == plain[27...])
            #expect(viaPointer.withUnsafeMutableBytes { PacketArmor.dearmor($0, keys: keys) })
            #expect(viaPointer == openedByFast)
        }
    }

    /// A failed open hands back exactly the bytes that came in, however far it got (the payload is
    /// decrypted in place before the tag can be checked).
    @Test func aFailedOpenRestoresTheCiphertext() throws {
        let keys = try Self.keys()
        var generator = SplitMix64(seed: 34)
        for length in [28, 29, 43, 44, 1400, 3000] {
            var packet = [UInt8].random(count: length, using: &generator)
            #expect(PacketArmor.armor(&packet, keys: keys))
            for index in [0, 7, 8, 17, 19, 26, 27, length - 1] {
                var tampered = packet
                tampered[index] ^= 0x01
                let before = tampered
                #expect(!PacketArmor.dearmor(&tampered, keys: keys), "length \(length) byte \(index)")
                #expect(tampered == before)
            }
        }
    }

    /// One set of keys serves several threads at once (the daemon's engine and any helper): same bytes as
    /// sealed alone.
    @Test func oneKeySetSealsAndOpensOnSeveralThreadsAtOnce() throws {
        let keys = try Self.keys()
        var generator = SplitMix64(seed: 35)
        let plains = (0..<64).map { [UInt8].random(count: 100 + $0 * 23, using: &generator) }
        let expected = plains.map { plain -> [UInt8] in var p = plain; _ = PacketArmor.armor(&p, keys: keys); return p }
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<20 {
                for (plain, sealed) in zip(plains, expected) {
                    var packet = plain
                    let ok = PacketArmor.armor(&packet, keys: keys) && packet == sealed
                        && PacketArmor.dearmor(&packet, keys: keys) && packet[27...] == plain[27...]
                    if !ok { mismatches.withLock { $0 += 1 } }
                }
            }
        }
        #expect(mismatches.withLock { $0 } == 0)
    }

    // MARK: - The captured session

    /// Every suite-3 packet of `session.pcap` (reassembled where fragmented) opens with the key of its two
    /// endpoints to the decoder's payload, and re-armoring with the recovered ID reproduces the wire bytes.
    @Test func everySuite3PacketOfTheCaptureOpensAndReArmorsExactly() throws {
        let records = try SessionRecords.load().packets
        let packets = try Self.capturedPackets()
        try #require(packets.count == records.count)
        var identities: [Address: Identity] = [:]
        for name in ["root", "ctl", "m1", "m2"] {
            let identity = try PacketArmorTests.world(name)
            identities[identity.address] = identity
        }
        var keys: [[Address]: (key: SecretBytes, aes: AESGMACSIVKeys)] = [:]
        var verified = 0, compressed = 0, relayed = 0, reassembled = 0, allSuites = 0
        for (packet, record) in zip(packets, records) {
            let wire = packet.encoded()
            #expect(Hex.encode(wire) == record.rawHex)
            let pair = [packet.header.source, packet.header.destination].sorted()
            if keys[pair] == nil {
                let first = try #require(identities[pair[0]]), second = try #require(identities[pair[1]])
                let key = try #require(first.agree(with: second))
                keys[pair] = (key, AESGMACSIVKeys(peerKey: key))
            }
            let (key, aes) = keys[pair]!

            var any = wire
            if PacketArmor.dearmor(&any, key: key, aesKeys: aes) { allSuites += 1 }
            guard packet.header.flags.cipher == .aesGmacSiv else { continue }
            #expect(record.cipher == "AES_GMAC_SIV")

            var bytes = wire
            let original = try #require(PacketArmor.dearmorRecoveringPacketID(&bytes, keys: aes), "\(record.verb) \(record.src)→\(record.dst)")
            #expect(bytes == any)
            let opened = try Packet(bytes: bytes).decompressed()
            #expect(opened.header.verb?.description == record.verb)
            #expect(Hex.encode(opened.payload) == record.payloadHex, "\(record.verb) \(record.src)→\(record.dst)")
            #expect(opened.header.packetID == Self.packetID(wire), "the header keeps the wire ID")

            var rearmored = bytes
            rearmored.replaceSubrange(0..<8, with: withUnsafeBytes(of: original.bigEndian) { Array($0) })
            #expect(PacketArmor.armor(&rearmored, keys: aes))
            #expect(rearmored == wire, "\(record.verb) re-armored")

            verified += 1
            if record.compressed { compressed += 1 }
            if record.hops > 0 { relayed += 1 }
            if record.reassembledFromFragments != nil { reassembled += 1 }
        }
        #expect(verified == 174)
        #expect(allSuites == 257)
        #expect(compressed > 0 && relayed > 0)
        print("suite 3: \(verified) verified (\(compressed) LZ4, \(relayed) relayed, \(reassembled) reassembled); all suites: \(allSuites)")
    }

    /// Tampering with captured suite-3 packets (every byte of a few, including a reassembled 2066-byte one)
    /// and truncating them always fails.
    @Test func tamperedAndTruncatedCapturePacketsFail() throws {
        let records = try SessionRecords.load().packets.filter { $0.cipher == "AES_GMAC_SIV" }
        let samples = [records.first { $0.reassembledFromFragments != nil }, records.first { $0.compressed },
                       records.first { $0.hops > 0 }].compactMap { $0 }
        #expect(samples.count == 3)
        for record in samples {
            let source = try PacketArmorTests.world(record.src == "4518434e30" ? "root" : record.src == "cf2daa94e4" ? "ctl"
                                                   : record.src == "0f845b7051" ? "m1" : "m2")
            let destination = try #require(try ["root", "ctl", "m1", "m2"].map { try PacketArmorTests.world($0) }
                .first { $0.address.description == record.dst })
            let keys = AESGMACSIVKeys(peerKey: try #require(source.agree(with: destination)))
            let wire = try Vectors.hex(record.rawHex)
            var intact = wire
            #expect(PacketArmor.dearmor(&intact, keys: keys))
            for index in wire.indices where index != 18 {
                var tampered = wire
                tampered[index] ^= 0x80
                #expect(!PacketArmor.dearmor(&tampered, keys: keys), "\(record.verb) byte \(index)")
            }
            for length in stride(from: 0, to: wire.count, by: 7) {
                var truncated = Array(wire[0..<length])
                #expect(!PacketArmor.dearmor(&truncated, keys: keys))
            }
        }
    }

    /// The capture's datagrams in the decoder's order: whole packets, and fragmented ones once complete.
    static func capturedPackets() throws -> [Packet] {
        let datagrams = try Pcap(contentsOf: Vectors.url("session/session.pcap")).datagrams
        var reassembler = Reassembler()
        var packets = [Packet]()
        for datagram in datagrams {
            let now = Int64(((datagram.time - datagrams[0].time) * 1000).rounded())
            switch try? Datagram(bytes: datagram.payload) {
            case let .packet(packet)? where !packet.header.flags.isFragmented:
                packets.append(packet)
            case let .packet(head)?:
                if case let .complete(packet) = reassembler.receive(head: head, now: now) { packets.append(packet) }
            case let .fragment(fragment)?:
                if case let .complete(packet) = reassembler.receive(fragment, now: now) { packets.append(packet) }
            case .beacon?, nil:
                break
            }
        }
        return packets
    }

    // MARK: - The node

    /// A known peer's suite-3 ECHO is accepted and answered (OK refers to the wire ID, and goes back as suite
    /// 3 since the root announced protocol 12); a forged one is dropped.
    @Test func nodeAcceptsSuite3FromAKnownPeer() throws {
        let world = try InMemoryWorld(members: ["m1"])
        let m1 = try world.node("m1")
        world.run(milliseconds: 3_000)
        #expect(m1.isOnline(now: world.now))
        let root = try PacketArmorTests.world("root")
        let key = try #require(root.agree(with: try PacketArmorTests.world("m1").publicOnly))
        let keys = AESGMACSIVKeys(peerKey: key)
        let rootEndpoint = try #require(world.endpoints[root.address])

        let echo = Packet(header: PacketHeader(packetID: 0x0102_0304_0506_0708, destination: m1.address, source: root.address,
                                               cipher: .aesGmacSiv, verb: .echo),
                          payload: EchoMessage(data: Array("suite 3".utf8)).encoded())
        var bytes = echo.encoded()
        #expect(PacketArmor.armor(&bytes, keys: keys))
        _ = m1.drainOutputs()
        let accepted = m1.counters.packetsAccepted
        #expect(m1.receive(bytes, from: rootEndpoint, now: world.now) == .handled)
        #expect(m1.counters.packetsAccepted == accepted + 1)

        let replies = m1.drainOutputs().compactMap { output -> [UInt8]? in
            if case let .datagram(datagram, to, _) = output, to == rootEndpoint { return datagram }
            return nil
        }
        var reply = try #require(replies.first)
        #expect(reply[18] == 0x18, "the root announced 12: the answer is suite 3")
        #expect(PacketArmor.dearmor(&reply, keys: keys))
        let ok = try OKMessage(payload: try Packet(bytes: reply).decompressed().payload)
        #expect(ok.inRePacketID == Self.packetID(bytes))
        #expect(ok.body == .echo(Array("suite 3".utf8)))

        var forged = bytes
        forged[forged.count - 1] ^= 1
        #expect(m1.receive(forged, from: rootEndpoint, now: world.now) == .dropped(.authenticationFailed))
    }
}
