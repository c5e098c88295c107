import Foundation
import Testing
@testable import ZeroTier

@Suite struct WorldCodecTests {
    struct PlanetJSON: Decodable {
        struct Root: Decodable { var identity: String; var address: String; var stableEndpoints: [String] }
        var id: UInt64
        var timestamp: UInt64
        var updatesMustBeSignedBy: String
        var signature: String
        var roots: [Root]
        var length: Int
        var signed_bytes_hex: String
    }

    @Test func testPlanetDecodesToTheDocumentedFields() throws {
        let bytes = try Vectors.bytes("planet/planet")
        let expected = try Vectors.json(PlanetJSON.self, "planet/planet.json")
        let world = try World(bytes: bytes)
        #expect(bytes.count == 257 && expected.length == 257)
        #expect(world.kind == .planet)
        #expect(world.id == 121_381_604_061_038 && world.id == expected.id)
        #expect(world.timestamp == 1_764_377_000_000 && world.timestamp == expected.timestamp)
        #expect(Hex.encode(world.updatesMustBeSignedBy) == expected.updatesMustBeSignedBy)
        #expect(Hex.encode(world.signature) == expected.signature)
        #expect(world.roots.count == 1)
        let root = try #require(world.roots.first)
        #expect(root.address == Address("4518434e30"))
        #expect(root.identityString == expected.roots[0].identity)
        #expect(root.identityString == (try Vectors.text("world/root.public")).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(root.stableEndpoints == [InetEndpoint("10.77.1.1/9993")!])
        #expect(root.stableEndpoints.map(\.description) == expected.roots[0].stableEndpoints)
        #expect(world.updatesMustBeSignedBy == Array(try Vectors.bytes("planet/current.c25519").prefix(64)))
    }

    @Test func testPlanetReencodesByteExactly() throws {
        let bytes = try Vectors.bytes("planet/planet")
        let world = try World(bytes: bytes)
        #expect(world.encoded() == bytes)
        #expect(Hex.encode(world.signedBytes) == (try Vectors.json(PlanetJSON.self, "planet/planet.json")).signed_bytes_hex)
        // The nodes' cached planets after the session, and the world folder's copy, are the same file.
        #expect(try Vectors.bytes("session/m1-planet-as-cached") == bytes)
        #expect(try Vectors.bytes("session/m2-planet-as-cached") == bytes)
        #expect(try Vectors.bytes("world/planet") == bytes)
    }

    @Test func earthDecodesAndReencodes() throws {
        let earth = World.defaultPlanet
        #expect(World.defaultPlanetBytes.count == 570)
        #expect(earth.kind == .planet)
        #expect(earth.id == World.earthID)
        #expect(earth.timestamp == 0x17e_e957_60cd)
        #expect(earth.roots.count == 4)
        #expect(earth.roots.allSatisfy { $0.stableEndpoints.count == 2 })
        #expect(earth.roots.allSatisfy { $0.stableEndpoints[0].ip.isIPv4 && !$0.stableEndpoints[1].ip.isIPv4 })
        #expect(earth.roots.flatMap(\.stableEndpoints).allSatisfy { $0.port == 9993 })
        #expect(earth.encoded() == World.defaultPlanetBytes)
    }

    @Test func moonsCarryAnExtensionDictionaryLength() throws {
        let planet = try World(bytes: Vectors.bytes("planet/planet"))
        var moon = planet
        moon.kind = .moon
        let bytes = moon.encoded()
        #expect(bytes.count == 257 + 2)
        #expect(bytes.first == 127 && bytes.suffix(2) == [0, 0])
        #expect(try World(bytes: bytes) == moon)
        #expect(moon.signedBytes.suffix(10) == [0, 0] + [UInt8](repeating: 0xf7, count: 8))
        // A dictionary is skipped (it has no defined content) and re-encoded as empty.
        var withDictionary = Array(bytes.dropLast(2)) + [0, 3, 0x61, 0x3d, 0x62]
        #expect(try World(bytes: withDictionary) == moon)
        withDictionary.removeLast()
        #expect(throws: DecodingError.self) { try World(bytes: withDictionary) }
    }

    @Test func everyTruncationThrows() throws {
        for bytes in [try Vectors.bytes("planet/planet"), World.defaultPlanetBytes] {
            for length in 0..<bytes.count {
                #expect(throws: DecodingError.self) { try World(bytes: Array(bytes.prefix(length))) }
            }
            #expect(throws: DecodingError.self) { try World(bytes: bytes + [0]) }
            var reader = ByteReader(bytes + [0xaa])
            #expect(try World(from: &reader).encoded() == bytes)
            #expect(reader.remaining == 1)
        }
    }

    @Test func rejectsOutOfRangeCountsAndTypes() throws {
        let bytes = try Vectors.bytes("planet/planet")
        func mutated(_ offset: Int, _ value: UInt8) -> [UInt8] {
            var copy = bytes
            copy[offset] = value
            return copy
        }
        for type: UInt8 in [0, 2, 126, 128, 255] {
            #expect(throws: DecodingError.self) { try World(bytes: mutated(0, type)) }
        }
        #expect(throws: DecodingError.invalid("world with 5 roots")) { try World(bytes: mutated(177, 5)) }
        #expect(throws: DecodingError.self) { try World(bytes: mutated(183, 1)) }   // identity key type
        #expect(throws: DecodingError.self) { try World(bytes: mutated(248, 1)) }   // private key length
        #expect(throws: DecodingError.self) { try World(bytes: mutated(249, 33)) }  // stable endpoints
        #expect(throws: DecodingError.self) { try World(bytes: mutated(250, 0)) }   // nil endpoint
        #expect(throws: DecodingError.self) { try World(bytes: mutated(250, 7)) }   // unknown address type
        #expect(throws: DecodingError.self) { try World(bytes: [UInt8](repeating: 1, count: World.maxSerializedLength + 1)) }
    }

    @Test func aRootPrivateKeyIsSkippedAsZeroTierDoes() throws {
        let bytes = try Vectors.bytes("planet/planet")
        var withKey = Array(bytes[0..<248]) + [64] + [UInt8](repeating: 0x5a, count: 64) + Array(bytes[249...])
        let world = try World(bytes: withKey)
        #expect(world.encoded() == bytes)
        withKey[248] = 32
        #expect(throws: DecodingError.self) { try World(bytes: withKey) }
    }

    @Test func createsWorldsWithSeveralRootsAndEndpoints() throws {
        let planet = try World(bytes: Vectors.bytes("planet/planet"))
        let template = planet.roots[0]
        let endpoints = [InetEndpoint("10.0.0.1/9993")!, InetEndpoint("fd00::1/443")!]
        let roots = (0..<4).map { index in
            World.Root(address: Address(rawValue: template.address.rawValue + UInt64(index))!, publicKey: template.publicKey,
                       stableEndpoints: index == 3 ? Array(repeating: endpoints[1], count: 32) : endpoints)
        }
        let world = World(kind: .moon, id: 0xdead_beef, timestamp: 42, updatesMustBeSignedBy: planet.updatesMustBeSignedBy, roots: roots)
        let bytes = world.encoded()
        #expect(bytes.count == 1 + 8 + 8 + 64 + 96 + 1 + 3 * (71 + 1 + 7 + 19) + (71 + 1 + 32 * 19) + 2)
        #expect(bytes.count <= World.maxSerializedLength)
        #expect(try World(bytes: bytes) == world)
        #expect(world.signature == [UInt8](repeating: 0, count: 96))
    }
}
