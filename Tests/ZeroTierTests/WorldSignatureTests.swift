import Testing
@testable import ZeroTier

@Suite struct WorldSignatureTests {
    static func planet() throws -> World { try World(bytes: Vectors.bytes("planet/planet")) }
    static func signingKey() throws -> C25519.KeyPair { try C25519.KeyPair(keyPairFile: Vectors.bytes("planet/current.c25519")) }

    @Test func testPlanetSignatureVerifies() throws {
        #expect(try Self.planet().verifySignature())
    }

    @Test func earthSignatureVerifies() {
        #expect(World.defaultPlanet.verifySignature())
    }

    @Test func everyFlippedByteFailsDecodingOrVerification() throws {
        let bytes = try Vectors.bytes("planet/planet")
        for index in bytes.indices {
            for mask: UInt8 in [0x01, 0x80] {
                var copy = bytes
                copy[index] ^= mask
                if let world = try? World(bytes: copy) {
                    #expect(!world.verifySignature(), "byte \(index) ^ \(mask) still verifies")
                }
            }
        }
    }

    /// mkworld's output is reproducible: same roots, same key, same bytes (C25519 signatures are deterministic).
    @Test func recreatingThePlanetFromItsRootGivesTheSameBytes() throws {
        let original = try Self.planet()
        let root = try Identity(Vectors.text("world/root.public"))
        let key = try Self.signingKey()
        #expect(key.publicKey == original.updatesMustBeSignedBy)
        let made = World(kind: .planet, id: 121_381_604_061_038, timestamp: 1_764_377_000_000, updatesMustBeSignedBy: key.publicKey,
                         roots: [World.Root(identity: root, stableEndpoints: [InetEndpoint("10.77.1.1/9993")!])], signedWith: key)
        #expect(made.encoded() == (try Vectors.bytes("planet/planet")))
        #expect(made.roots[0].identity == root)
    }

    @Test func updateRule() throws {
        let current = try Self.planet()
        let key = try Self.signingKey()
        let rotated = C25519.generate()
        let stranger = C25519.generate()

        func update(id: UInt64? = nil, kind: World.Kind? = nil, timestamp: UInt64? = nil, nextKey: [UInt8]? = nil,
                    signedWith signer: C25519.KeyPair) -> World {
            var roots = current.roots
            roots[0].stableEndpoints.append(InetEndpoint("10.77.1.2/9993")!)
            return World(kind: kind ?? current.kind, id: id ?? current.id, timestamp: timestamp ?? current.timestamp + 1,
                         updatesMustBeSignedBy: nextKey ?? current.updatesMustBeSignedBy, roots: roots, signedWith: signer)
        }

        #expect(current.shouldReplace(with: update(signedWith: key)))
        // Key rotation: signed by the current key, naming a new one. It doesn't verify against its own key…
        let rotation = update(nextKey: rotated.publicKey, signedWith: key)
        #expect(current.shouldReplace(with: rotation))
        #expect(!rotation.verifySignature())
        // …and from then on only the new key can sign.
        #expect(rotation.shouldReplace(with: update(timestamp: current.timestamp + 2, nextKey: rotated.publicKey, signedWith: rotated)))
        #expect(!rotation.shouldReplace(with: update(timestamp: current.timestamp + 2, signedWith: key)))

        #expect(!current.shouldReplace(with: update(signedWith: stranger)))
        #expect(!current.shouldReplace(with: update(timestamp: current.timestamp, signedWith: key)))
        #expect(!current.shouldReplace(with: update(timestamp: current.timestamp - 1, signedWith: key)))
        #expect(!current.shouldReplace(with: update(id: current.id + 1, signedWith: key)))
        #expect(!current.shouldReplace(with: update(kind: .moon, signedWith: key)))
        // Earth is newer by nothing and has another ID: it never replaces the test planet, nor the reverse.
        #expect(!current.shouldReplace(with: World.defaultPlanet))
        #expect(!World.defaultPlanet.shouldReplace(with: current))
        // A tampered update fails even though the fields pass.
        var tampered = update(signedWith: key)
        tampered.roots[0].stableEndpoints[0].port = 1
        #expect(!current.shouldReplace(with: tampered))
    }

    @Test func keyPairFilesMustBeConsistent() throws {
        let bytes = try Vectors.bytes("planet/current.c25519")
        #expect(throws: DecodingError.self) { try C25519.KeyPair(keyPairFile: Array(bytes.dropLast())) }
        var mismatched = bytes
        mismatched[0] ^= 1
        #expect(throws: DecodingError.self) { try C25519.KeyPair(keyPairFile: mismatched) }
        #expect(try C25519.KeyPair(keyPairFile: Vectors.bytes("planet/previous.c25519")).publicKey == (try Self.signingKey()).publicKey)
    }
}
