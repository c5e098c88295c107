import Testing
@testable import ZeroTier

/// The selftest.cpp known answers of ZeroTier One 1.14.1 (`kat/crypto-kat.json`), run through libsodium.
@Suite struct CryptoPrimitiveTests {
    struct KAT: Decodable {
        struct Salsa: Decodable { var name: String; var rounds: Int; var key: String; var iv: String; var keystream_first_64_bytes: String }
        struct Poly: Decodable { var name: String; var key: String; var input: String; var tag: String }
        struct Hash: Decodable { var input_ascii: String; var digest: String }
        var salsa20: [Salsa]
        var poly1305: [Poly]
        var sha512: [Hash]
    }

    static func load() throws -> KAT { try Vectors.json(KAT.self, "kat/crypto-kat.json") }

    @Test func salsa20KeystreamsMatchZeroTier() throws {
        let kat = try Self.load()
        #expect(Set(kat.salsa20.map(\.rounds)) == [20, 12])
        for vector in kat.salsa20 {
            let rounds: Salsa20.Rounds = vector.rounds == 12 ? .twelve : .twenty
            let stream = Salsa20.keystream(count: 64, key: SecretBytes(try Vectors.hex(vector.key)),
                                           nonce: try Vectors.hex(vector.iv), rounds: rounds)
            #expect(Hex.encode(stream) == vector.keystream_first_64_bytes, "\(vector.name)")
        }
    }

    @Test func salsa20CounterContinuesTheKeystream() throws {
        let key = SecretBytes(Array(0..<32))
        let nonce: [UInt8] = [9, 8, 7, 6, 5, 4, 3, 2]
        let whole = Salsa20.keystream(count: 64 * 5, key: key, nonce: nonce, rounds: .twenty)
        var tail = [UInt8](repeating: 0, count: 64 * 2)
        Salsa20.xor(&tail, key: key, nonce: nonce, counter: 3)
        #expect(tail == Array(whole[192...]))

        var message = Array("attack at dawn".utf8)
        Salsa20.xor(&message, key: key, nonce: nonce, rounds: .twelve)
        #expect(message != Array("attack at dawn".utf8))
        Salsa20.xor(&message, key: key, nonce: nonce, rounds: .twelve)
        #expect(message == Array("attack at dawn".utf8))
    }

    @Test func poly1305TagsMatchZeroTier() throws {
        let kat = try Self.load()
        #expect(kat.poly1305.count == 2)
        for vector in kat.poly1305 {
            let tag = Poly1305.tag(try Vectors.hex(vector.input), key: SecretBytes(try Vectors.hex(vector.key)))
            #expect(Hex.encode(tag) == vector.tag, "\(vector.name)")
        }
    }

    @Test func sha512MatchesZeroTier() throws {
        let kat = try Self.load()
        for vector in kat.sha512 {
            #expect(Hex.encode(SHA512.hash(Array(vector.input_ascii.utf8))) == vector.digest)
        }
        // The empty message (FIPS 180-2): exercises the no-input path.
        #expect(Hex.encode(SHA512.hash([UInt8]())).hasPrefix("cf83e1357eefb8bdf1542850d66d8007"))
    }

    @Test func secretBytesCopiesPrefixesAndComparesContents() {
        let secret = SecretBytes(Array(1...64))
        #expect(secret.count == 64)
        let head = secret.prefix(48)
        #expect(head.withUnsafeBytes { Array($0) } == Array(1...48))
        #expect(head.isEqual(to: SecretBytes(Array(1...48))))
        #expect(!head.isEqual(to: SecretBytes(Array(2...49))))
        #expect(!head.isEqual(to: secret))
        #expect(!"\(secret)".contains("01"))
        #expect(SecretBytes.random(count: 32).count == 32)
    }
}
