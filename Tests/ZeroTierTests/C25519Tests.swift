import Testing
@testable import ZeroTier

/// The 32 C25519 vectors of ZeroTier One's selftest: key agreement both ways and the signatures of the
/// agreed key by both parties, reproduced byte for byte with libsodium.
@Suite struct C25519Tests {
    struct Vector: Decodable {
        var pub1, priv1, pub2, priv2, agreement, agreementSignedBy1, agreementSignedBy2: String
    }
    struct KAT: Decodable { var c25519: [Vector] }

    static func vectors() throws -> [Vector] { try Vectors.json(KAT.self, "kat/crypto-kat.json").c25519 }

    @Test func agreementMatchesZeroTierBothWays() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count == 32)
        for (index, vector) in vectors.enumerated() {
            let priv1 = SecretBytes(try Vectors.hex(vector.priv1)), priv2 = SecretBytes(try Vectors.hex(vector.priv2))
            let pub1 = try Vectors.hex(vector.pub1), pub2 = try Vectors.hex(vector.pub2)
            let oneToTwo = try #require(C25519.agree(privateKey: priv1, publicKey: pub2))
            let twoToOne = try #require(C25519.agree(privateKey: priv2, publicKey: pub1))
            #expect(Hex.encode(oneToTwo.withUnsafeBytes { Array($0) }) == vector.agreement, "vector \(index)")
            #expect(oneToTwo.isEqual(to: twoToOne), "vector \(index)")
        }
    }

    @Test func privateKeysDeriveTheirPublicKeys() throws {
        for (index, vector) in try Self.vectors().enumerated() {
            #expect(Hex.encode(C25519.publicKey(for: SecretBytes(try Vectors.hex(vector.priv1)))) == vector.pub1, "vector \(index)")
            #expect(Hex.encode(C25519.publicKey(for: SecretBytes(try Vectors.hex(vector.priv2)))) == vector.pub2, "vector \(index)")
        }
    }

    @Test func signaturesMatchZeroTierAndVerify() throws {
        for (index, vector) in try Self.vectors().enumerated() {
            let message = try Vectors.hex(vector.agreement)
            for (priv, pub, expected) in [(vector.priv1, vector.pub1, vector.agreementSignedBy1),
                                          (vector.priv2, vector.pub2, vector.agreementSignedBy2)] {
                let publicKey = try Vectors.hex(pub)
                let signature = C25519.sign(message, privateKey: SecretBytes(try Vectors.hex(priv)), publicKey: publicKey)
                #expect(Hex.encode(signature) == expected, "vector \(index)")
                #expect(C25519.verify(try Vectors.hex(expected), of: message, publicKey: publicKey), "vector \(index)")
            }
            // Each party's signature fails under the other's key.
            #expect(!C25519.verify(try Vectors.hex(vector.agreementSignedBy1), of: message, publicKey: try Vectors.hex(vector.pub2)))
        }
    }

    @Test func everyFlippedSignatureBitFails() throws {
        let vector = try #require(try Self.vectors().first)
        let message = try Vectors.hex(vector.agreement)
        let publicKey = try Vectors.hex(vector.pub1)
        let signature = try Vectors.hex(vector.agreementSignedBy1)
        for bit in 0..<(signature.count * 8) {
            var flipped = signature
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(!C25519.verify(flipped, of: message, publicKey: publicKey), "bit \(bit)")
        }
        #expect(!C25519.verify(Array(signature.prefix(64)), of: message, publicKey: publicKey))
        #expect(!C25519.verify(signature + [0], of: message, publicKey: publicKey))
        #expect(!C25519.verify(signature, of: message, publicKey: Array(publicKey.prefix(32))))
    }

    @Test func freshKeyPairsAgreeAndSign() {
        let alice = C25519.generate(), bob = C25519.generate()
        #expect(alice.publicKey.count == 64 && alice.privateKey.count == 64)
        #expect(C25519.publicKey(for: alice.privateKey) == alice.publicKey)
        let ab = C25519.agree(privateKey: alice.privateKey, publicKey: bob.publicKey)
        let ba = C25519.agree(privateKey: bob.privateKey, publicKey: alice.publicKey)
        #expect(ab != nil && ab!.isEqual(to: ba!))
        let signature = C25519.sign([1, 2, 3], privateKey: alice.privateKey, publicKey: alice.publicKey)
        #expect(C25519.verify(signature, of: [1, 2, 3], publicKey: alice.publicKey))
        #expect(!C25519.verify(signature, of: [1, 2, 4], publicKey: alice.publicKey))
    }

    @Test func lowOrderAgreementKeysAreRefused() {
        let mine = C25519.generate()
        // X25519 u = 0 and u = 1 are low-order points: the shared point would be all zeros.
        #expect(C25519.agree(privateKey: mine.privateKey, publicKey: [UInt8](repeating: 0, count: 64)) == nil)
        #expect(C25519.agree(privateKey: mine.privateKey, publicKey: [1] + [UInt8](repeating: 0, count: 63)) == nil)
        #expect(C25519.agree(privateKey: mine.privateKey, publicKey: [1, 2, 3]) == nil)
    }
}
