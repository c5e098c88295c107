/// ZeroTier's key-based key derivation: NIST SP 800-108 in counter mode with HMAC-SHA-384 as the PRF and a
/// single iteration, so the output is one HMAC block (48 bytes).
///
/// The PRF input is 13 bytes: the iteration as a big-endian 32-bit counter, the bytes `Z` `T`, a one-byte
/// label, a zero separator, a one-byte context, and the output length in bits (384) as a big-endian
/// 32-bit value. ZeroTier derives the two AES-GMAC-SIV keys with labels `0` and `1`, context 0.
enum KBKDF {
    static func hmacSHA384(key: SecretBytes, label: UInt8, context: UInt8 = 0, iteration: UInt32 = 0) -> SecretBytes {
        let outputBits = UInt32(HMACSHA384.byteCount * 8)
        var message = [UInt8]()
        message.reserveCapacity(13)
        message += withUnsafeBytes(of: iteration.bigEndian) { Array($0) }
        message += [UInt8(ascii: "Z"), UInt8(ascii: "T"), label, 0, context]
        message += withUnsafeBytes(of: outputBits.bigEndian) { Array($0) }
        return HMACSHA384.withCode(key: key, message: message) { code in
            SecretBytes(count: code.count) { $0.copyMemory(from: code) }
        }
    }
}
