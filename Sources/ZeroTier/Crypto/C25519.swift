import CSodium

/// ZeroTier's "C25519" key type: two independent Curve25519 key pairs side by side.
///
/// * public key (64 B) = X25519 public ‖ Ed25519 public
/// * private key (64 B) = X25519 private scalar ‖ Ed25519 seed (the RFC 8032 32-byte secret, which is
///   exactly what libsodium's `crypto_sign_seed_keypair` takes; ZeroTier stores no expanded key)
/// * agreement = SHA-512 of the raw X25519 shared point (64 B); peers use its first 48 bytes as their key
/// * signature (96 B) = Ed25519 over the first 32 bytes of SHA-512(message) ‖ those 32 bytes
///
/// Everything is plain X25519/Ed25519, so libsodium reproduces ZeroTier's bytes exactly; the only
/// differences are on hostile input, where libsodium is stricter (see `verify` and `agree`).
public enum C25519 {
    public static let publicKeyByteCount = 64
    public static let privateKeyByteCount = 64
    public static let signatureByteCount = 96
    public static let agreementByteCount = 64

    /// How many bytes of SHA-512(message) get signed and appended to the signature.
    static let signedDigestByteCount = 32

    public struct KeyPair: Sendable {
        public let publicKey: [UInt8]
        public let privateKey: SecretBytes
    }

    /// A fresh key pair from the system CSPRNG.
    public static func generate() -> KeyPair {
        let privateKey = SecretBytes.random(count: privateKeyByteCount)
        return KeyPair(publicKey: publicKey(for: privateKey), privateKey: privateKey)
    }

    /// Re-derives both public halves from a private key.
    public static func publicKey(for privateKey: SecretBytes) -> [UInt8] {
        precondition(privateKey.count == privateKeyByteCount)
        return [UInt8](unsafeUninitializedCapacity: publicKeyByteCount) { out, initialized in
            let out = UnsafeMutableRawBufferPointer(out)
            privateKey.withUnsafeBytes { secret in
                x25519PublicKey(secret: UnsafeRawBufferPointer(rebasing: secret[0..<32]),
                                into: UnsafeMutableRawBufferPointer(rebasing: out[0..<32]))
                ed25519PublicKey(seed: UnsafeRawBufferPointer(rebasing: secret[32..<64]),
                                 into: UnsafeMutableRawBufferPointer(rebasing: out[32..<64]))
            }
            initialized = publicKeyByteCount
        }
    }

    /// SHA-512(X25519(my private, their public)), 64 bytes. Nil when their X25519 key is a low-order point
    /// (the shared point would be all zeros; libsodium refuses, where ZeroTier would hash the zeros).
    public static func agree(privateKey: SecretBytes, publicKey: [UInt8]) -> SecretBytes? {
        precondition(privateKey.count == privateKeyByteCount)
        guard publicKey.count == publicKeyByteCount else { return nil }
        Sodium.ensureReady()
        var succeeded = false
        let agreement = SecretBytes(count: agreementByteCount) { digest in
            withUnsafeTemporaryAllocation(byteCount: 32, alignment: 16) { shared in
                defer { Sodium.wipe(shared) }
                let status = privateKey.withUnsafeBytes { secret in
                    publicKey.withUnsafeBytes { theirs in
                        crypto_scalarmult(
                            shared.baseAddress!.assumingMemoryBound(to: UInt8.self),
                            secret.baseAddress!.assumingMemoryBound(to: UInt8.self),
                            theirs.baseAddress!.assumingMemoryBound(to: UInt8.self))
                    }
                }
                guard status == 0 else { return }
                SHA512.hash(UnsafeRawBufferPointer(shared), into: digest)
                succeeded = true
            }
        }
        return succeeded ? agreement : nil
    }

    /// Signs `message` with the Ed25519 half. `publicKey` must be the pair's own public key: like ZeroTier,
    /// the signer takes its Ed25519 public key from there instead of re-deriving it.
    public static func sign(_ message: [UInt8], privateKey: SecretBytes, publicKey: [UInt8]) -> [UInt8] {
        precondition(privateKey.count == privateKeyByteCount && publicKey.count == publicKeyByteCount)
        Sodium.ensureReady()
        let digest = SHA512.hash(message)
        return [UInt8](unsafeUninitializedCapacity: signatureByteCount) { signature, initialized in
            // libsodium's Ed25519 secret key is seed ‖ public key.
            withUnsafeTemporaryAllocation(byteCount: 64, alignment: 16) { expanded in
                defer { Sodium.wipe(expanded) }
                privateKey.withUnsafeBytes { secret in
                    expanded.copyMemory(from: UnsafeRawBufferPointer(rebasing: secret[32..<64]))
                }
                publicKey.withUnsafeBytes { pub in
                    UnsafeMutableRawBufferPointer(rebasing: expanded[32..<64])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: pub[32..<64]))
                }
                digest.withUnsafeBufferPointer { digest in
                    _ = crypto_sign_ed25519_detached(
                        signature.baseAddress!, nil,
                        digest.baseAddress!, UInt64(signedDigestByteCount),
                        expanded.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            for i in 0..<signedDigestByteCount { signature[64 + i] = digest[i] }
            initialized = signatureByteCount
        }
    }

    /// True only for a 96-byte signature whose tail is SHA-512(message)[0:32] and whose Ed25519 part
    /// verifies over that tail. libsodium also rejects non-canonical and low-order encodings that
    /// ZeroTier's own verifier would let through; honest signers never produce those.
    public static func verify(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == signatureByteCount, publicKey.count == publicKeyByteCount else { return false }
        Sodium.ensureReady()
        let digest = SHA512.hash(message)
        return signature.withUnsafeBytes { signature in
            digest.withUnsafeBytes { digest in
                let signedDigest = UnsafeRawBufferPointer(rebasing: digest[0..<signedDigestByteCount])
                guard Sodium.constantTimeEqual(UnsafeRawBufferPointer(rebasing: signature[64..<96]), signedDigest) else {
                    return false
                }
                return publicKey.withUnsafeBytes { pub in
                    crypto_sign_ed25519_verify_detached(
                        signature.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        signedDigest.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(signedDigestByteCount),
                        pub.baseAddress!.advanced(by: 32).assumingMemoryBound(to: UInt8.self)) == 0
                }
            }
        }
    }

    // MARK: - Half-key derivations (raw, for the identity generation loop)

    /// X25519 public key of a 32-byte scalar (libsodium clamps it, as ZeroTier does).
    static func x25519PublicKey(secret: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(secret.count == 32 && out.count == 32)
        Sodium.ensureReady()
        _ = crypto_scalarmult_base(
            out.baseAddress!.assumingMemoryBound(to: UInt8.self),
            secret.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }

    /// Ed25519 public key of a 32-byte seed (SHA-512 of the seed, clamped: RFC 8032 key generation).
    static func ed25519PublicKey(seed: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(seed.count == 32 && out.count == 32)
        Sodium.ensureReady()
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 16) { expanded in
            defer { Sodium.wipe(expanded) }
            _ = crypto_sign_ed25519_seed_keypair(
                out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                expanded.baseAddress!.assumingMemoryBound(to: UInt8.self),
                seed.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }
}
