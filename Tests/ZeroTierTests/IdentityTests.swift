import Foundation
import Testing
@testable import ZeroTier

/// Identities made by `zerotier-idtool` 1.14.1 (`identities/`, `signatures/`, `world/`).
@Suite struct IdentityTests {
    static let documentedAddresses = [
        "id1": "099fc4e1a0", "id2": "47292b07fb", "id3": "1d6499f766", "id4": "3e826fe4e7", "id5": "5bd1f5dfe2",
    ]

    static func identity(_ path: String) throws -> Identity { try Identity(try Vectors.text(path)) }

    @Test(arguments: ["id1", "id2", "id3", "id4", "id5"])
    func idtoolIdentitiesParseDeriveTheirAddressAndValidate(_ name: String) throws {
        let secretText = try Vectors.text("identities/\(name).secret")
        let publicText = try Vectors.text("identities/\(name).public")
        let identity = try Identity(secretText)
        #expect(identity.address.description == Self.documentedAddresses[name])
        #expect(identity.hasSecret)
        #expect(identity.validate())
        #expect(identity.secretString == secretText)
        #expect(identity.publicString == publicText)
        #expect(identity.publicString == (try Vectors.text("identities/\(name).getpublic.txt"))
            .trimmingCharacters(in: .whitespacesAndNewlines))
        #expect("\(identity)" == publicText)

        let publicOnly = try Identity(publicText)
        #expect(!publicOnly.hasSecret && publicOnly.secretString == nil)
        #expect(publicOnly == identity && publicOnly.hashValue == identity.hashValue)
        #expect(publicOnly.validate())
        #expect(identity.publicOnly.secretString == nil)
    }

    @Test(arguments: ["root", "ctl", "m1", "m2"])
    func worldIdentitiesValidate(_ name: String) throws {
        let identity = try Self.identity("world/\(name).secret")
        #expect(identity.validate())
        #expect(identity.publicString == (try Vectors.text("world/\(name).public")).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func corruptedPublicKeyFailsValidation() throws {
        let corrupted = try Self.identity("identities/corrupted.public")
        #expect(corrupted.address.description == "099fc4e1a0")
        #expect(!corrupted.validate())
    }

    @Test func selftestKnownGoodAndBadIdentities() throws {
        struct KAT: Decodable { struct Pair: Decodable { var known_good, known_bad: String }; var identity: Pair }
        let kat = try Vectors.json(KAT.self, "kat/crypto-kat.json").identity
        #expect(try Identity(kat.known_good).validate())
        #expect(try !Identity(kat.known_bad).validate())
    }

    @Test func textIsTrimmedAndStrictlyShaped() throws {
        let text = try Vectors.text("identities/id1.public")
        #expect(try Identity("  \n" + text + "\r\n\t") == Identity(text))
        let parts = text.split(separator: ":").map(String.init)
        let secretHex = String((try Vectors.text("identities/id1.secret")).split(separator: ":")[3])
        let otherSecretHex = String((try Vectors.text("identities/id2.secret")).split(separator: ":")[3])

        #expect(throws: IdentityError.malformed(fieldCount: 1)) { try Identity("") }
        #expect(throws: IdentityError.malformed(fieldCount: 2)) { try Identity("\(parts[0]):0") }
        #expect(throws: IdentityError.malformed(fieldCount: 5)) { try Identity(text + ":" + secretHex + ":00") }
        #expect(throws: IdentityError.badAddress) { try Identity("099fc4e1a:0:\(parts[2])") }
        #expect(throws: IdentityError.badAddress) { try Identity("099fc4e1ax:0:\(parts[2])") }
        #expect(throws: IdentityError.reservedAddress(Address("ff9fc4e1a0")!)) { try Identity("ff9fc4e1a0:0:\(parts[2])") }
        #expect(throws: IdentityError.reservedAddress(Address("0000000000")!)) { try Identity("0000000000:0:\(parts[2])") }
        #expect(throws: IdentityError.unsupportedType("1")) { try Identity("\(parts[0]):1:\(parts[2])") }
        #expect(throws: IdentityError.badPublicKey(byteCount: 63)) { try Identity("\(parts[0]):0:\(parts[2].dropLast(2))") }
        #expect(throws: IdentityError.badPublicKey(byteCount: nil)) { try Identity("\(parts[0]):0:\(parts[2].dropLast())z") }
        #expect(throws: IdentityError.badSecretKey) { try Identity(text + ":" + secretHex.dropLast(2)) }
        #expect(throws: IdentityError.badSecretKey) { try Identity(text + ":" + secretHex.dropLast() + "g") }
        #expect(throws: IdentityError.secretDoesNotMatchPublicKey) { try Identity(text + ":" + otherSecretHex) }

        // Messages never repeat key material.
        do {
            _ = try Identity(text + ":" + otherSecretHex)
        } catch {
            #expect(!error.description.contains(otherSecretHex.prefix(8)))
        }
    }

    @Test func idtoolSignatureVerifiesAndOursIsIdentical() throws {
        let id1 = try Self.identity("identities/id1.secret")
        let id2 = try Self.identity("identities/id2.public")
        let message = try Vectors.bytes("signatures/message.bin")
        let signature = try Vectors.hex(try Vectors.text("signatures/message.bin.sig.hex"))
        #expect(message.count == 54 && signature.count == 96)

        #expect(id1.verify(message, signature: signature))
        #expect(id1.publicOnly.verify(message, signature: signature))
        #expect(!id1.verify(try Vectors.bytes("signatures/message-tampered.bin"), signature: signature))
        #expect(!id2.verify(message, signature: signature))
        #expect(id1.sign(message) == signature)
        #expect(id1.publicOnly.sign(message) == nil)

        var flipped = signature
        flipped[10] ^= 0x04
        #expect(!id1.verify(message, signature: flipped))
    }

    @Test func agreementIsSymmetricAndNeedsASecret() throws {
        let id1 = try Self.identity("identities/id1.secret")
        let id2 = try Self.identity("identities/id2.secret")
        let forward = try #require(id1.agree(with: id2.publicOnly))
        let backward = try #require(id2.agree(with: id1))
        #expect(forward.count == Identity.peerKeyByteCount)
        #expect(forward.isEqual(to: backward))
        #expect(id1.publicOnly.agree(with: id2) == nil)
    }

    @Test func generatedIdentityValidatesAndRoundTrips() throws {
        let clock = ContinuousClock()
        var attempts = 0
        var identity: Identity?
        let generation = clock.measure { identity = Identity.generate { attempts = $0 } }
        let generated = try #require(identity)
        var valid = false
        let validation = clock.measure { valid = generated.validate() }
        print("identity generation: \(attempts) attempts in \(generation); validation \(validation)")

        #expect(valid)
        #expect(generated.hasSecret && !generated.address.isReserved)
        let secret = try #require(generated.secretString)
        let reparsed = try Identity(secret)
        #expect(reparsed == generated && reparsed.secretString == secret)
        #expect(try Identity(generated.publicString) == generated)
        let signature = try #require(generated.sign([42]))
        #expect(reparsed.publicOnly.verify([42], signature: signature))
    }
}
