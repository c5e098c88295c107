internal import CAESGMACSIV

/// The two AES-256 keys of cipher suite 3 (AES-GMAC-SIV), derived from a peer's 48-byte key once and then
/// reused for every packet to and from that peer.
///
/// K0 = KBKDF(peer key, label `0`) keys the GMAC; K1 = KBKDF(peer key, label `1`) encrypts the tag into the
/// packet's ID and MAC fields and keys the CTR keystream. Each derivation yields 48 bytes, of which the
/// first 32 are the AES-256 key. What BoringSSL needs per packet is prepared here, once: the GCM context
/// of K0 (key schedule and GHASH tables) and both key schedules of K1, in C memory that is wiped when the
/// last copy of these keys goes away.
///
/// `Sendable`: the context is never written after it is made, and BoringSSL only reads it.
public struct AESGMACSIVKeys: Sendable {
    static let label0 = UInt8(ascii: "0")
    static let label1 = UInt8(ascii: "1")
    static let aesKeyByteCount = 32

    let context: Context

    /// Two HMAC-SHA-384 runs and the AES key schedules: do it when a peer is set up, not per packet.
    public init(peerKey: SecretBytes) {
        let k0 = KBKDF.hmacSHA384(key: peerKey, label: Self.label0)
        let k1 = KBKDF.hmacSHA384(key: peerKey, label: Self.label1)
        context = Context(k0: k0, k1: k1)
    }

    /// Owns the C context (`netcon_gmacsiv`).
    final class Context: @unchecked Sendable {
        let pointer: OpaquePointer

        init(k0: SecretBytes, k1: SecretBytes) {
            precondition(k0.count >= AESGMACSIVKeys.aesKeyByteCount && k1.count >= AESGMACSIVKeys.aesKeyByteCount)
            let made = k0.withUnsafeBytes { k0 in
                k1.withUnsafeBytes { k1 in
                    netcon_gmacsiv_new(k0.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                       k1.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            // Only an impossible key length or a failed small allocation could refuse these.
            guard let made else { fatalError("BoringSSL refused to set up AES-256 keys") }
            pointer = made
        }

        deinit { netcon_gmacsiv_free(pointer) }
    }
}
