import Testing
@testable import ZeroTier

/// Random bytes and truncations of real inputs: every decoder must throw or succeed, never trap.
@Suite struct ParserRobustnessTests {
    static func decodeEverything(_ bytes: [UInt8]) {
        _ = try? Datagram(bytes: bytes)
        _ = try? Packet(bytes: bytes)
        _ = try? Fragment(bytes: bytes)
        _ = try? World(bytes: bytes)
        var reader = ByteReader(bytes)
        while (try? reader.readInetEndpoint()) != nil, !reader.isAtEnd {}
        if !bytes.isEmpty { _ = try? PacketCompression.decompress(bytes) }
    }

    @Test func randomGarbage() {
        var generator = SplitMix64(seed: 0x5eed)
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...600, using: &generator)
            Self.decodeEverything(.random(count: length, using: &generator))
        }
    }

    @Test func randomGarbageShapedLikeFragmentsAndWorlds() {
        var generator = SplitMix64(seed: 99)
        for _ in 0..<2_000 {
            var bytes = [UInt8].random(count: Int.random(in: 17...100, using: &generator), using: &generator)
            bytes[13] = 0xff
            #expect(throws: Never.self) { _ = try? Datagram(bytes: bytes) }
            var world = [UInt8].random(count: Int.random(in: 178...700, using: &generator), using: &generator)
            world[0] = Bool.random(using: &generator) ? 1 : 127
            world[177] = UInt8.random(in: 0...4, using: &generator)
            Self.decodeEverything(world)
        }
    }

    @Test func truncationsOfEveryCapturedDatagram() throws {
        for datagram in try SessionCaptureTests.capture().datagrams {
            for length in 0...datagram.payload.count {
                let prefix = Array(datagram.payload.prefix(length))
                Self.decodeEverything(prefix)
                if length < 28, length != 13, !(length > 16 && prefix[13] == 0xff) {
                    #expect(throws: DecodingError.self) { try Datagram(bytes: prefix) }
                }
            }
        }
    }

    @Test func truncatedPacketsBelowTheHeaderThrow() throws {
        let packet = try Vectors.hex(PacketFramingTests.helloHex)
        for length in 0..<PacketHeader.size {
            #expect(throws: DecodingError.self) { try Packet(bytes: Array(packet.prefix(length))) }
        }
        for length in PacketHeader.size...packet.count {
            #expect(try Packet(bytes: Array(packet.prefix(length))).encoded() == Array(packet.prefix(length)))
        }
    }
}
