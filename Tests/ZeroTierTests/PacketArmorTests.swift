import Testing
@testable import ZeroTier

/// `kat/armor-kat.json` (ZeroTier's own `Packet::armor` for m1 → m2) and the captured session.
@Suite struct PacketArmorTests {
    struct KAT: Decodable {
        struct Case: Decodable {
            var `case`: String
            var packet_id, plaintext_packet, armored_packet: String
            var compressed_before_armor: String?
        }
        var from, to, agreed_key_48: String
        var packets: [Case]
    }

    static func kat() throws -> KAT { try Vectors.json(KAT.self, "kat/armor-kat.json") }

    static func world(_ name: String) throws -> Identity { try Identity(try Vectors.text("world/\(name).secret")) }

    /// m1 → m2's peer key, as m1 derives it.
    static func peerKey() throws -> SecretBytes {
        try #require(try world("m1").agree(with: try world("m2").publicOnly))
    }

    static func bytes(_ key: SecretBytes) -> [UInt8] { key.withUnsafeBytes { Array($0) } }

    @Test func peerKeyMatchesZeroTier() throws {
        let kat = try Self.kat()
        let m1 = try Self.world("m1"), m2 = try Self.world("m2")
        #expect(m1.address.description == kat.from && m2.address.description == kat.to)
        #expect(Hex.encode(Self.bytes(try Self.peerKey())) == kat.agreed_key_48)
        #expect(Hex.encode(Self.bytes(try #require(m2.agree(with: m1)))) == kat.agreed_key_48)
    }

    /// Cipher 1, cipher 0 and cipher 1 over an LZ4-compressed payload (compression is not armor's business:
    /// the compressed packet is the input).
    @Test func armorReproducesZeroTierAndDearmorRestores() throws {
        let kat = try Self.kat()
        let key = try Self.peerKey()
        var checked = 0
        for vector in kat.packets where !vector.case.contains("cipher 3") {
            let encrypt = vector.case.contains("cipher 1")
            let input = try Vectors.hex(vector.compressed_before_armor ?? vector.plaintext_packet)
            let armored = try Vectors.hex(vector.armored_packet)

            var packet = input
            PacketArmor.armor(&packet, key: key, encryptPayload: encrypt)
            #expect(packet == armored, "\(vector.case)")
            #expect(packet[18] == (encrypt ? 0x88 : 0x00))

            var received = armored
            #expect(PacketArmor.dearmor(&received, key: key), "\(vector.case)")
            #expect(received[27...] == input[27...], "\(vector.case)")
            #expect(received[0..<18] == input[0..<18])
            checked += 1
        }
        #expect(checked == 3)
    }

    @Test func aesGmacSivIsDeclinedUntouched() throws {
        let vector = try #require(try Self.kat().packets.first { $0.case.contains("cipher 3") })
        let armored = try Vectors.hex(vector.armored_packet)
        var packet = armored
        #expect(!PacketArmor.dearmor(&packet, key: try Self.peerKey()))
        #expect(packet == armored)
    }

    @Test func anyTamperingFailsButHopsMayChange() throws {
        let key = try Self.peerKey()
        for vector in try Self.kat().packets where !vector.case.contains("cipher 3") {
            let armored = try Vectors.hex(vector.armored_packet)
            for index in armored.indices {
                var tampered = armored
                tampered[index] ^= index == 18 ? 0x08 : 0x01   // on the flags byte, change the suite bits
                #expect(!PacketArmor.dearmor(&tampered, key: key), "\(vector.case) byte \(index)")
                #expect(tampered == { var t = armored; t[index] ^= index == 18 ? 0x08 : 0x01; return t }())
            }
            var shortened = Array(armored.dropLast())
            #expect(!PacketArmor.dearmor(&shortened, key: key))
            var relayed = armored
            relayed[18] = relayed[18] & 0xf8 | 0x05
            #expect(PacketArmor.dearmor(&relayed, key: key), "hops are outside the MAC")
            var wrongKey = armored
            #expect(!PacketArmor.dearmor(&wrongKey, key: SecretBytes([UInt8](repeating: 7, count: 48))))
        }
    }

    @Test func truncatedAndRandomInputNeverTraps() throws {
        let key = try Self.peerKey()
        var generator = SystemRandomNumberGenerator()
        for length in 0..<PacketArmor.minimumPacketLength {
            var packet = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let before = packet
            #expect(!PacketArmor.dearmor(&packet, key: key), "length \(length)")
            #expect(packet == before)
        }
        for length in [28, 29, 64, 65, 200, 1432, 10_000, 70_000] {
            for suite: UInt8 in 0..<8 {
                var packet = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                packet[18] = suite << 3
                #expect(!PacketArmor.dearmor(&packet, key: key))
            }
        }
    }

    @Test func armorRoundTripsAtEveryShortLength() throws {
        let key = try Self.peerKey()
        for length in 28..<300 {
            let plain = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) }
            for encrypt in [false, true] {
                var packet = plain
                PacketArmor.armor(&packet, key: key, encryptPayload: encrypt)
                #expect(encrypt ? packet[28...] != plain[28...] || length == 28 : packet[27...] == plain[27...])
                #expect(PacketArmor.dearmor(&packet, key: key))
                #expect(packet[27...] == plain[27...])
            }
        }
    }

    // MARK: - The captured session

    struct Session: Decodable {
        struct Record: Decodable {
            var src, dst, cipher, verb, rawHex: String
            var compressed: Bool
            var payloadHex: String?
            var fields: Fields?
        }
        struct Fields: Decodable { var encryptedTail: String?; var moons: Moons? }
        struct Moons: Decodable { var hex: String }
        var packets: [Record]
    }

    /// Every cipher 0 and cipher 1 packet of the real session authenticates with the peer key of its two
    /// endpoints, decrypts to the decoder's payload, and armors back to the exact bytes on the wire.
    @Test func sessionPacketsDearmorAndReArmorExactly() throws {
        let session = try Vectors.json(Session.self, "session/session-decoded.json")
        var identities: [String: Identity] = [:]
        for name in ["root", "ctl", "m1", "m2"] {
            let identity = try Self.world(name)
            identities[identity.address.description] = identity
        }
        var counts = [String: Int]()
        for record in session.packets where record.cipher == "POLY1305_NONE" || record.cipher == "SALSA2012_POLY1305" {
            let source = try #require(identities[record.src]), destination = try #require(identities[record.dst])
            let key = try #require(source.agree(with: destination))
            let wire = try Vectors.hex(record.rawHex)
            var packet = wire
            #expect(PacketArmor.dearmor(&packet, key: key), "\(record.verb) \(record.src)→\(record.dst)")
            if !record.compressed, let payload = record.payloadHex {
                #expect(Hex.encode(packet[28...]) == payload, "\(record.verb)")
            }
            PacketArmor.armor(&packet, key: key, encryptPayload: record.cipher == "SALSA2012_POLY1305")
            #expect(packet == wire, "\(record.verb) re-armored")
            counts[record.cipher, default: 0] += 1
        }
        #expect(counts["POLY1305_NONE"] == 17 && counts["SALSA2012_POLY1305"] == 66)
    }

    /// HELLO hides its moon list with `cryptField`: unmangled key, packet ID with the low 3 bits cleared.
    @Test func helloMoonTailDecryptsWithCryptField() throws {
        let session = try Vectors.json(Session.self, "session/session-decoded.json")
        var identities: [String: Identity] = [:]
        for name in ["root", "ctl", "m1", "m2"] {
            let identity = try Self.world(name)
            identities[identity.address.description] = identity
        }
        var checked = 0
        for record in session.packets where record.verb == "HELLO" {
            guard let tail = record.fields?.encryptedTail, let moons = record.fields?.moons?.hex else { continue }
            let key = try #require(identities[record.src]!.agree(with: identities[record.dst]!))
            var packet = try Vectors.hex(record.rawHex)
            let range = (packet.count - tail.count / 2)..<packet.count
            #expect(Hex.encode(packet[range]) == tail)
            #expect(PacketArmor.cryptField(&packet, key: key, range: range))
            #expect(Hex.encode(packet[range]).hasPrefix(moons), "\(record.src)→\(record.dst)")
            checked += 1
        }
        #expect(checked > 0)

        var tiny: [UInt8] = [1, 2, 3]
        #expect(!PacketArmor.cryptField(&tiny, key: SecretBytes(Array(0..<48)), range: 0..<3))
        var short = [UInt8](repeating: 0, count: 16)
        #expect(!PacketArmor.cryptField(&short, key: SecretBytes(Array(0..<48)), range: 10..<17))
    }
}
