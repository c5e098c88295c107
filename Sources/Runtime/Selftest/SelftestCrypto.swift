import ZeroTier

/// The checks that need no network: the identity and packet crypto agree with ZeroTier's.
enum SelftestCrypto {
    /// A ZeroTier One 1.14.1 identity (from its test vectors) and the address it must derive.
    static let knownIdentity = "099fc4e1a0:0:ca62ebb30687927751a9ad33802a492c74fb32429cb5c91fd3fa3525a00fd62bd07248e90fdf7ea058d43c2ebac58830671ed448dcea3e44f02d463584572274"

    static func identityVectors() throws(SelftestFailure) -> String {
        guard let identity = try? Identity(knownIdentity) else { throw SelftestFailure("the known identity does not parse") }
        guard identity.validate() else { throw SelftestFailure("ZeroTier's identity 099fc4e1a0 does not derive its address") }
        var corrupted = Array(knownIdentity.utf8)
        corrupted[13] = UInt8(ascii: "d")
        if let bad = try? Identity(String(decoding: corrupted, as: UTF8.self)), bad.validate() {
            throw SelftestFailure("a corrupted identity validated")
        }
        let generated = Identity.generate()
        guard generated.validate(), let signature = generated.sign(Array("netcon".utf8)),
              generated.verify(Array("netcon".utf8), signature: signature),
              !generated.verify(Array("netcoN".utf8), signature: signature) else {
            throw SelftestFailure("a fresh identity does not validate, sign and verify")
        }
        return "generated \(generated.address)"
    }

    static func packetArmor() throws(SelftestFailure) -> String {
        let a = C25519.generate(), b = C25519.generate()
        guard let ab = C25519.agree(privateKey: a.privateKey, publicKey: b.publicKey),
              let ba = C25519.agree(privateKey: b.privateKey, publicKey: a.publicKey), ab.isEqual(to: ba) else {
            throw SelftestFailure("key agreement differs between the two sides")
        }
        let key = ab.prefix(48)
        var packet = [UInt8](repeating: 0, count: 28) + Array("a ZeroTier packet payload".utf8)
        packet[27] = 0x08  // ECHO
        let plain = packet
        PacketArmor.armor(&packet, key: key, encryptPayload: true)
        guard packet != plain else { throw SelftestFailure("armor did not encrypt") }
        var tampered = packet
        tampered[30] ^= 1
        guard !PacketArmor.dearmor(&tampered, key: key) else { throw SelftestFailure("a tampered packet was accepted") }
        guard PacketArmor.dearmor(&packet, key: key), Array(packet[27...]) == Array(plain[27...]) else {
            throw SelftestFailure("Salsa20/12-Poly1305 round trip failed")
        }

        // Suite 3, on the BoringSSL code swift-crypto links (AES-NI where the CPU has it).
        let aesKeys = AESGMACSIVKeys(peerKey: key)
        packet = plain
        guard PacketArmor.armor(&packet, keys: aesKeys), packet[27...] != plain[27...] else {
            throw SelftestFailure("AES-GMAC-SIV armor did not encrypt")
        }
        tampered = packet
        tampered[30] ^= 1
        guard !PacketArmor.dearmor(&tampered, keys: aesKeys) else { throw SelftestFailure("a tampered AES-GMAC-SIV packet was accepted") }
        guard PacketArmor.dearmor(&packet, keys: aesKeys), Array(packet[27...]) == Array(plain[27...]) else {
            throw SelftestFailure("AES-GMAC-SIV round trip failed")
        }
        return "Salsa20/12-Poly1305, AES-GMAC-SIV"
    }
}
