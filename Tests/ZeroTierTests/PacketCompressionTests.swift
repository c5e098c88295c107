import Foundation
import Testing
import CLZ4
@testable import ZeroTier

@Suite struct PacketCompressionTests {
    struct ArmorKAT: Decodable {
        struct Case: Decodable {
            var `case`: String
            var plaintext_packet: String
            var compressed_before_armor: String?
        }
        var packets: [Case]
    }

    /// `kat/armor-kat.json` holds a packet before and after ZeroTier's own `Packet::compress()`.
    @Test func matchesZeroTiersCompressorByteForByte() throws {
        let kat = try Vectors.json(ArmorKAT.self, "kat/armor-kat.json")
        let entry = try #require(kat.packets.first { $0.compressed_before_armor != nil })
        let plain = try Packet(bytes: Vectors.hex(entry.plaintext_packet))
        let expected = try Vectors.hex(entry.compressed_before_armor!)
        let compressed = plain.compressed()
        #expect(compressed.header.isCompressed)
        #expect(compressed.encoded() == expected)
        #expect(try compressed.decompressed() == plain)
        #expect(try PacketCompression.decompress(Array(expected.dropFirst(28))) == plain.payload)
    }

    @Test func onlyCompressesWhenItPays() {
        #expect(PacketCompression.compress([UInt8](repeating: 0x41, count: 64)) == nil)  // 64 bytes: too short
        #expect(PacketCompression.compress([UInt8](repeating: 0x41, count: 65)) != nil)
        var generator = SplitMix64(seed: 3)
        let noise = [UInt8].random(count: 500, using: &generator)
        #expect(PacketCompression.compress(noise) == nil)
        let packet = Packet(header: PacketHeader(packetID: 9, destination: Address("0f845b7051")!, source: Address("eddffe2b19")!,
                                                 cipher: .salsa2012Poly1305, verb: .frame), payload: noise)
        #expect(packet.compressed() == packet)
    }

    @Test func alreadyCompressedOrEmptyPayloads() throws {
        var header = PacketHeader(packetID: 9, destination: Address("0f845b7051")!, source: Address("eddffe2b19")!,
                                  cipher: .salsa2012Poly1305, verb: .echo)
        header.isCompressed = true
        let empty = Packet(header: header)
        // Flag set, nothing after the verb: accepted, the flag is just cleared.
        #expect(try empty.decompressed().header.verbByte == Verb.echo.rawValue)
        let compressed = Packet(header: header, payload: [UInt8](repeating: 1, count: 100))
        #expect(compressed.compressed() == compressed)
        let plain = Packet(header: PacketHeader(packetID: 9, destination: Address("0f845b7051")!, source: Address("eddffe2b19")!,
                                                cipher: .salsa2012Poly1305, verb: .echo), payload: [1, 2, 3])
        #expect(try plain.decompressed() == plain)
    }

    @Test func decompressionIsBoundedByThePacketSize() throws {
        // A valid LZ4 block expanding to one byte more than a packet can carry.
        let big = [UInt8](repeating: 0, count: ProtocolLimits.maxPayloadLength + 1)
        var block = [UInt8](repeating: 0, count: Int(LZ4_compressBound(Int32(big.count))))
        let written = big.withUnsafeBytes { source in
            block.withUnsafeMutableBytes { target in
                LZ4_compress_default(source.baseAddress!.assumingMemoryBound(to: CChar.self),
                                     target.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(big.count), Int32(target.count))
            }
        }
        block.removeSubrange(Int(written)...)
        #expect(throws: DecodingError.self) { try PacketCompression.decompress(block) }
        #expect(try PacketCompression.decompress(block, maxLength: big.count) == big)
        let fits = [UInt8](repeating: 0, count: ProtocolLimits.maxPayloadLength)
        #expect(try PacketCompression.decompress(PacketCompression.compress(fits)!) == fits)
    }

    @Test func malformedBlocksThrowWithoutTrapping() {
        var generator = SplitMix64(seed: 11)
        #expect(throws: DecodingError.self) { try PacketCompression.decompress([]) }
        let valid = PacketCompression.compress(Array("netcon ZeroTier V1 test vector payload 0123456789".utf8) + [UInt8](repeating: 7, count: 200))!
        for length in 0..<valid.count {
            _ = try? PacketCompression.decompress(Array(valid.prefix(length)))
        }
        var rejected = 0
        for _ in 0..<2_000 {
            let garbage = [UInt8].random(count: Int.random(in: 1...300, using: &generator), using: &generator)
            if (try? PacketCompression.decompress(garbage)) == nil { rejected += 1 }
        }
        #expect(rejected > 1_000)
    }

    /// The capture's LZ4-compressed packets: ZeroTier's compressed payload has the same length as ours (armor
    /// doesn't change lengths), and the decompressed payload (`payloadHex`) round-trips.
    @Test func sessionPayloadsRoundTrip() throws {
        let records = try SessionRecords.load().packets.filter(\.compressed)
        #expect(records.count == 31)
        var sameLength = 0
        for record in records {
            let payload = try Vectors.hex(try #require(record.payloadHex))
            let block = try #require(PacketCompression.compress(payload), "\(record.packetId) did not compress")
            #expect(try PacketCompression.decompress(block) == payload)
            if block.count == record.size - PacketHeader.size { sameLength += 1 }
        }
        #expect(sameLength == records.count)
    }

    /// The capture's LZ4-compressed Salsa20/12 packets, dearmored with the peer keys of the world's identities,
    /// decompress to exactly the payload the independent decoder found, and their verbs match.
    @Test func sessionCipherOnePacketsDecompressToTheDecodedPayload() throws {
        var identities = [String: Identity]()
        for name in ["root", "ctl", "m1", "m2"] {
            let identity = try Identity(Vectors.text("world/\(name).secret"))
            identities[identity.address.description] = identity
        }
        let records = try SessionRecords.load().packets.filter { $0.compressed && $0.cipher == "SALSA2012_POLY1305" }
        #expect(records.count == 18)
        for record in records {
            let source = try #require(identities[record.src]), destination = try #require(identities[record.dst])
            let key = try #require(source.agree(with: destination.publicOnly))
            var bytes = try Vectors.hex(record.rawHex)
            try #require(PacketArmor.dearmor(&bytes, key: key), "\(record.packetId) does not authenticate")
            let packet = try Packet(bytes: bytes)
            #expect(packet.header.isCompressed)
            #expect(packet.header.verb?.description == record.verb)
            let plain = try packet.decompressed()
            #expect(!plain.header.isCompressed)
            #expect(Hex.encode(plain.payload) == record.payloadHex)
            // Compressing again gives ZeroTier's block byte for byte.
            #expect(plain.compressed() == packet)
        }
    }
}
