import Testing
@testable import ZeroTier

/// `kat/memhard.json`: the memory-hard digests ZeroTier One 1.14.1 computed for ten public keys.
@Suite struct MemoryHardHashTests {
    struct Entry: Decodable {
        var identity_public, public_key, sha512_of_public_key, memory_hard_digest, address_from_digest_59_64: String
        var digest0_lt_17, locallyValidate: Bool
    }

    @Test func digestsMatchZeroTierForEveryEntry() throws {
        let entries = try Vectors.json([Entry].self, "kat/memhard.json")
        #expect(entries.count == 10)
        let scratch = MemoryHardHash.Scratch()
        for entry in entries {
            let publicKey = try Vectors.hex(entry.public_key)
            #expect(Hex.encode(SHA512.hash(publicKey)) == entry.sha512_of_public_key)
            let digest = MemoryHardHash.digest(of: publicKey, scratch: scratch)
            #expect(Hex.encode(digest) == entry.memory_hard_digest, "\(entry.identity_public.prefix(10))")
            #expect((digest[0] < 17) == entry.digest0_lt_17)
            #expect(Hex.encode(digest[59..<64]) == entry.address_from_digest_59_64)
            #expect(try Identity(entry.identity_public).validate() == entry.locallyValidate)
        }
    }

    @Test func scratchReuseDoesNotLeakBetweenDigests() throws {
        let entries = try Vectors.json([Entry].self, "kat/memhard.json")
        let first = try Vectors.hex(entries[0].public_key)
        let scratch = MemoryHardHash.Scratch()
        _ = MemoryHardHash.digest(of: try Vectors.hex(entries[1].public_key), scratch: scratch)
        #expect(MemoryHardHash.digest(of: first, scratch: scratch) == MemoryHardHash.digest(of: first))
    }
}
