import CSodium

/// The one place libsodium gets initialised. Every entry point that calls into libsodium goes through
/// `Sodium.ensureReady()` first: `sodium_init` picks the fastest Salsa20/Poly1305/Curve25519 implementations
/// for this CPU and seeds the random generator, and must have run before any of them is used.
enum Sodium {
    /// A lazily initialised global: Swift runs the initialiser exactly once, thread-safely.
    private static let isReady: Bool = netcon_sodium_ready() == 0

    static func ensureReady() {
        precondition(isReady, "libsodium failed to initialise")
    }

    /// Constant-time comparison of two equally long byte runs (false for different lengths).
    static func constantTimeEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0 else { return true }
        return sodium_memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    /// Fills `buffer` from libsodium's CSPRNG (getrandom on Linux).
    static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        ensureReady()
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        randombytes_buf(base, buffer.count)
    }

    /// Overwrites `buffer` with zeros in a way the optimiser may not remove.
    static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        sodium_memzero(base, buffer.count)
    }

    /// Hands libsodium a non-null pointer even for empty input (an empty Swift buffer may have none).
    static func withInput<R>(_ input: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, UInt64) -> R) -> R {
        if let base = input.baseAddress, input.count > 0 {
            return body(base.assumingMemoryBound(to: UInt8.self), UInt64(input.count))
        }
        var placeholder: UInt8 = 0
        return withUnsafePointer(to: &placeholder) { body($0, 0) }
    }
}
