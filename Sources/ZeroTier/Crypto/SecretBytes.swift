/// Secret key material (private keys, agreed peer keys) in a buffer that is wiped when the last reference goes.
///
/// The bytes never leave except through the scoped `withUnsafeBytes`, and the type is not
/// `CustomStringConvertible` beyond a redacted placeholder, so a secret cannot end up in a log by accident.
/// Contents are fixed after initialisation, which is what makes sharing it across threads safe.
public final class SecretBytes: @unchecked Sendable, CustomStringConvertible {
    private let storage: UnsafeMutableRawBufferPointer

    public var count: Int { storage.count }

    /// Allocates `count` bytes and lets `initialize` write them; the buffer starts zeroed.
    init(count: Int, initialize: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(count >= 0)
        storage = .allocate(byteCount: count, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        initialize(storage)
    }

    /// Copies `bytes` in. The caller's array is not wiped (Swift arrays cannot be), so prefer building
    /// secrets in place; this exists for keys that arrive as text or from test vectors.
    public convenience init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        self.init(count: bytes.count) { buffer in buffer.copyBytes(from: bytes) }
    }

    /// `count` bytes from the system CSPRNG.
    public static func random(count: Int) -> SecretBytes {
        SecretBytes(count: count) { Sodium.fillRandom($0) }
    }

    deinit {
        Sodium.wipe(storage)
        storage.deallocate()
    }

    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(storage))
    }

    /// The first `length` bytes as a new secret (e.g. the 48-byte peer key out of a 64-byte agreement).
    public func prefix(_ length: Int) -> SecretBytes {
        precondition(length >= 0 && length <= count)
        return SecretBytes(count: length) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<length])) }
    }

    /// Constant-time equality of contents.
    public func isEqual(to other: SecretBytes) -> Bool {
        withUnsafeBytes { mine in other.withUnsafeBytes { theirs in Sodium.constantTimeEqual(mine, theirs) } }
    }

    public var description: String { "SecretBytes(\(count) bytes, redacted)" }
}
