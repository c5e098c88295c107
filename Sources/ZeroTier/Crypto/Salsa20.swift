import CSodium

/// The Salsa20 stream cipher (32-byte key, 8-byte nonce) in the two round counts ZeroTier uses:
/// 20 rounds for the identity memory-hard hash, 12 rounds for packet encryption.
/// Encrypting and decrypting are the same XOR with the keystream.
public enum Salsa20 {
    public static let keyByteCount = 32
    public static let nonceByteCount = 8
    public static let blockByteCount = 64

    public enum Rounds: Sendable {
        case twenty, twelve
    }

    /// XORs `bytes` with the keystream from block 0.
    public static func xor(_ bytes: inout [UInt8], key: SecretBytes, nonce: [UInt8], rounds: Rounds) {
        key.withUnsafeBytes { key in
            nonce.withUnsafeBytes { nonce in
                bytes.withUnsafeMutableBytes { xor($0, key: key, nonce: nonce, rounds: rounds) }
            }
        }
    }

    /// Salsa20/20 only: XORs `bytes` with the keystream starting at 64-byte block `counter`.
    /// (libsodium offers no block counter for 12 rounds, and ZeroTier never needs one: every Salsa20/12
    /// use starts at block 0 of a fresh nonce.)
    public static func xor(_ bytes: inout [UInt8], key: SecretBytes, nonce: [UInt8], counter: UInt64) {
        key.withUnsafeBytes { key in
            nonce.withUnsafeBytes { nonce in
                bytes.withUnsafeMutableBytes { xor($0, key: key, nonce: nonce, counter: counter) }
            }
        }
    }

    /// The first `count` keystream bytes.
    public static func keystream(count: Int, key: SecretBytes, nonce: [UInt8], rounds: Rounds) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        xor(&out, key: key, nonce: nonce, rounds: rounds)
        return out
    }

    // MARK: - Raw cores: pointers live only for the call, sizes are checked up front

    static func xor(_ buffer: UnsafeMutableRawBufferPointer, key: UnsafeRawBufferPointer,
                    nonce: UnsafeRawBufferPointer, rounds: Rounds) {
        switch rounds {
        case .twenty: xor(buffer, key: key, nonce: nonce, counter: 0)
        case .twelve: xorTwelveRounds(buffer, key: key, nonce: nonce)
        }
    }

    static func xor(_ buffer: UnsafeMutableRawBufferPointer, key: UnsafeRawBufferPointer,
                    nonce: UnsafeRawBufferPointer, counter: UInt64) {
        precondition(key.count >= keyByteCount && nonce.count == nonceByteCount)
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        Sodium.ensureReady()
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        _ = crypto_stream_salsa20_xor_ic(
            bytes, bytes, UInt64(buffer.count),
            nonce.baseAddress!.assumingMemoryBound(to: UInt8.self), counter,
            key.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }

    static func xorTwelveRounds(_ buffer: UnsafeMutableRawBufferPointer, key: UnsafeRawBufferPointer,
                                nonce: UnsafeRawBufferPointer) {
        precondition(key.count >= keyByteCount && nonce.count == nonceByteCount)
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        Sodium.ensureReady()
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        _ = crypto_stream_salsa2012_xor(
            bytes, bytes, UInt64(buffer.count),
            nonce.baseAddress!.assumingMemoryBound(to: UInt8.self),
            key.baseAddress!.assumingMemoryBound(to: UInt8.self))
    }
}
