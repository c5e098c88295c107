import CSodium

/// SHA-512, the hash under ZeroTier's identities, signatures and key agreement.
public enum SHA512 {
    public static let byteCount = 64

    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let input = Array(bytes)
        return input.withUnsafeBytes { hash($0) }
    }

    static func hash(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: byteCount) { digest, initialized in
            hash(input, into: UnsafeMutableRawBufferPointer(digest))
            initialized = byteCount
        }
    }

    /// Writes the digest of `input` into the first 64 bytes of `digest`.
    static func hash(_ input: UnsafeRawBufferPointer, into digest: UnsafeMutableRawBufferPointer) {
        precondition(digest.count >= byteCount)
        Sodium.ensureReady()
        Sodium.withInput(input) { bytes, count in
            _ = crypto_hash_sha512(digest.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes, count)
        }
    }
}
