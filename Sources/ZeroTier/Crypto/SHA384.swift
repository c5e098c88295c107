internal import Crypto
internal import FoundationEssentials

/// SHA-384, from swift-crypto. ZeroTier uses it for the AES-GMAC-SIV key derivation (through HMAC, see
/// `KBKDF`) and in certificates of membership, whose qualifiers 3–6 are the first 32 bytes of
/// SHA-384(address ‖ public key) of the member.
public enum SHA384 {
    public static let byteCount = 48

    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        Array(Crypto.SHA384.hash(data: Array(bytes)))
    }
}

/// HMAC-SHA-384 (RFC 2104), only as the PRF under `KBKDF`; kept internal so the key stays in `SecretBytes`.
enum HMACSHA384 {
    static let byteCount = 48

    /// The 48-byte code of `message` under `key`, handed to `body` and not kept: callers copy out what they
    /// need (the stack copy swift-crypto returns cannot be wiped from Swift).
    static func withCode<R>(key: SecretBytes, message: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let symmetricKey = key.withUnsafeBytes { SymmetricKey(data: $0) }
        let code = HMAC<Crypto.SHA384>.authenticationCode(for: message, using: symmetricKey)
        return code.withUnsafeBytes(body)
    }
}
