import Glibc
import SystemPackage

/// A file descriptor with a single owner that closes it exactly once: on `close()` or when dropped.
public final class OwnedDescriptor: @unchecked Sendable {
    public private(set) var descriptor: FileDescriptor?

    public init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }
    public convenience init(rawValue: CInt) { self.init(FileDescriptor(rawValue: rawValue)) }

    /// The raw number for C calls; traps if already closed, which is a programming error.
    public var rawValue: CInt { descriptor!.rawValue }

    public func close() {
        guard let descriptor else { return }
        self.descriptor = nil
        try? descriptor.close()
    }

    deinit { close() }
}
