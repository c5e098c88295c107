internal import Crypto
internal import FoundationEssentials

/// The two AES-256 keys of cipher suite 3 (AES-GMAC-SIV), derived from a peer's 48-byte key once and then
/// reused for every packet to and from that peer.
///
/// K0 = KBKDF(peer key, label `0`) keys the GMAC; K1 = KBKDF(peer key, label `1`) encrypts the tag into the
/// packet's ID and MAC fields and keys the CTR keystream. Each derivation yields 48 bytes, of which the
/// first 32 are the AES-256 key. The keys live in swift-crypto's `SymmetricKey`, which wipes its storage
/// when released.
///
/// `@unchecked`: swift-crypto 3 does not mark `SymmetricKey` `Sendable`, but it is an immutable value (no
/// mutating API; its zeroing buffer is written only while it is created), so sharing it is safe.
public struct AESGMACSIVKeys: @unchecked Sendable {
    static let label0 = UInt8(ascii: "0")
    static let label1 = UInt8(ascii: "1")
    static let aesKeyByteCount = 32

    /// Authenticates (GMAC).
    let k0: SymmetricKey
    /// Enciphers the synthetic IV (single-block AES) and the payload (CTR).
    let k1: SymmetricKey

    /// Two HMAC-SHA-384 runs: do it when a peer is set up, not per packet.
    public init(peerKey: SecretBytes) {
        k0 = Self.aesKey(KBKDF.hmacSHA384(key: peerKey, label: Self.label0))
        k1 = Self.aesKey(KBKDF.hmacSHA384(key: peerKey, label: Self.label1))
    }

    private static func aesKey(_ derived: SecretBytes) -> SymmetricKey {
        derived.withUnsafeBytes { SymmetricKey(data: UnsafeRawBufferPointer(rebasing: $0[0..<aesKeyByteCount])) }
    }
}
