import Testing
@testable import ZeroTier

/// SHA-384 and HMAC-SHA-384 against FIPS 180-2 / RFC 4231, and against the certificates of membership the real
/// controller issued in the captured session.
@Suite struct SHA384Tests {
    @Test func hashMatchesFIPS180() {
        #expect(Hex.encode(SHA384.hash([UInt8]())) ==
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b")
        #expect(Hex.encode(SHA384.hash(Array("abc".utf8))) ==
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        #expect(Hex.encode(SHA384.hash(repeatElement(UInt8(ascii: "a"), count: 1_000_000))) ==
            "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985")
        #expect(SHA384.hash([1, 2, 3]).count == SHA384.byteCount)
    }

    @Test func hmacMatchesRFC4231() {
        func code(_ key: [UInt8], _ message: String) -> String {
            HMACSHA384.withCode(key: SecretBytes(key), message: Array(message.utf8)) { Hex.encode($0) }
        }
        #expect(code([UInt8](repeating: 0x0b, count: 20), "Hi There") ==
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6")
        #expect(code(Array("Jefe".utf8), "what do ya want for nothing?") ==
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649")
    }

    /// `kat/armor-kat.json`: ZeroTier's `KBKDFHMACSHA384(key, '0' / '1', 0, 0)` for the m1/m2 peer key.
    @Test func kbkdfMatchesZeroTier() throws {
        let kat = try AESGMACSIVTests.kat()
        let key = try PacketArmorTests.peerKey()
        let k0 = KBKDF.hmacSHA384(key: key, label: UInt8(ascii: "0"))
        let k1 = KBKDF.hmacSHA384(key: key, label: UInt8(ascii: "1"))
        #expect(Hex.encode(PacketArmorTests.bytes(k0)) == kat.aes_gmac_siv_k0_kbkdf_48)
        #expect(Hex.encode(PacketArmorTests.bytes(k1)) == kat.aes_gmac_siv_k1_kbkdf_48)
    }

    struct NetworkConfigs: Decodable {
        struct Config: Decodable {
            var id: String
            var C: Certificate
        }
        struct Certificate: Decodable { var decoded: Decoded }
        struct Decoded: Decodable { var qualifiers: [Qualifier] }
        struct Qualifier: Decodable { var id: Int; var value: String }
        var configs: [String: Config]
    }

    /// Qualifiers 3–6 of each member's COM are SHA-384(address ‖ public key)[0:32] of that member.
    @Test func comIdentityQualifiersAreSHA384OfTheMember() throws {
        let configs = try Vectors.json(NetworkConfigs.self, "session/netconf-decoded.json").configs
        #expect(configs.count == 4)
        for (name, config) in configs {
            let member = try #require(try ["m1", "m2"].map { try PacketArmorTests.world($0) }
                .first { $0.address.description == config.id })
            let digest = SHA384.hash(member.address.bytes + member.publicKey)
            let qualifiers = config.C.decoded.qualifiers.filter { (3...6).contains($0.id) }.sorted { $0.id < $1.id }
            #expect(qualifiers.map(\.value).joined() == Hex.encode(digest[0..<32]), "\(name)")
        }
    }
}
