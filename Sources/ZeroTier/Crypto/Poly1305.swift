import CSodium

/// The Poly1305 one-time authenticator: a 16-byte tag under a 32-byte key that must never be reused
/// (ZeroTier takes a fresh key from each packet's keystream and keeps the first 8 tag bytes).
public enum Poly1305 {
    public static let keyByteCount = 32
    public static let tagByteCount = 16

    public static func tag(_ message: [UInt8], key: SecretBytes) -> [UInt8] {
        key.withUnsafeBytes { key in message.withUnsafeBytes { tag($0, key: key) } }
    }

    static func tag(_ message: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: tagByteCount) { out, initialized in
            tag(message, key: key, into: UnsafeMutableRawBufferPointer(out))
            initialized = tagByteCount
        }
    }

    static func tag(_ message: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(key.count >= keyByteCount && out.count >= tagByteCount)
        Sodium.ensureReady()
        Sodium.withInput(message) { bytes, count in
            _ = crypto_onetimeauth_poly1305(
                out.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes, count,
                key.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }
}
