import Crypto
import _CryptoExtras
@testable import ZeroTier

/// Suite 3 written a second, independent way with swift-crypto's public API (AES-GCM for the GMAC, `AES._CTR`,
/// the single-block `AES.permute`), on copies: netcon's former implementation, now the yardstick the
/// in-place C code (`Sources/CAESGMACSIV`) is held to. Slow on purpose; tests only.
enum ReferenceAESGMACSIV {
    struct Keys {
        let k0: SymmetricKey
        let k1: SymmetricKey

        init(peerKey: SecretBytes) {
            k0 = Self.aesKey(KBKDF.hmacSHA384(key: peerKey, label: UInt8(ascii: "0")))
            k1 = Self.aesKey(KBKDF.hmacSHA384(key: peerKey, label: UInt8(ascii: "1")))
        }

        private static func aesKey(_ derived: SecretBytes) -> SymmetricKey {
            derived.withUnsafeBytes { SymmetricKey(data: UnsafeRawBufferPointer(rebasing: $0[0..<32])) }
        }
    }

    static func armor(_ packet: inout [UInt8], keys: Keys) -> Bool {
        guard packet.count >= 28 else { return false }
        let flags = packet[18] & ~(0x38 | 0x80) | 3 << 3
        let packetID = Array(packet[0..<8])
        guard let tag = gmacTag(header: packet[8..<19], flags: flags, plaintext: packet[27...], packetID: packetID, key: keys.k0)
        else { return false }
        var siv = packetID + (0..<8).map { tag[$0] ^ tag[$0 + 8] }
        guard (try? AES.permute(&siv, key: keys.k1)) != nil,
              let ciphertext = counterMode(packet[27...], siv: siv, key: keys.k1) else { return false }
        packet[18] = flags
        packet.replaceSubrange(0..<8, with: siv[0..<8])
        packet.replaceSubrange(19..<27, with: siv[8..<16])
        packet.replaceSubrange(27..., with: ciphertext)
        return true
    }

    static func dearmorRecoveringPacketID(_ packet: inout [UInt8], keys: Keys) -> UInt64? {
        guard packet.count >= 28, (packet[18] & 0x38) >> 3 == 3 else { return nil }
        let siv = Array(packet[0..<8]) + Array(packet[19..<27])
        var opened = siv
        guard (try? AES.inversePermute(&opened, key: keys.k1)) != nil,
              let plaintext = counterMode(packet[27...], siv: siv, key: keys.k1),
              let tag = gmacTag(header: packet[8..<19], flags: packet[18], plaintext: plaintext[...],
                                packetID: Array(opened[0..<8]), key: keys.k0)
        else { return nil }
        guard (0..<8).allSatisfy({ tag[$0] ^ tag[$0 + 8] == opened[8 + $0] }) else { return nil }
        packet.replaceSubrange(27..., with: plaintext)
        return opened[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func gmacTag(header: ArraySlice<UInt8>, flags: UInt8, plaintext: ArraySlice<UInt8>,
                                packetID: [UInt8], key: SymmetricKey) -> [UInt8]? {
        var authenticated = Array(header.dropLast())
        authenticated.append(flags & ~0x07)
        authenticated += repeatElement(0, count: 16 - header.count)
        authenticated += plaintext
        guard let nonce = try? AES.GCM.Nonce(data: packetID + [0, 0, 0, 0]),
              let sealed = try? AES.GCM.seal([UInt8](), using: key, nonce: nonce, authenticating: authenticated)
        else { return nil }
        return Array(sealed.tag)
    }

    /// swift-crypto carries the counter over all 128 bits, ZeroTier over the low 32; with bit 7 of byte 12
    /// clear both give the same keystream for any packet.
    private static func counterMode(_ input: ArraySlice<UInt8>, siv: [UInt8], key: SymmetricKey) -> [UInt8]? {
        var counter = siv
        counter[12] &= 0x7f
        guard let nonce = try? AES._CTR.Nonce(nonceBytes: counter),
              let output = try? AES._CTR.encrypt(input, using: key, nonce: nonce),
              output.count == input.count else { return nil }
        return Array(output)
    }
}
