import CNetconSys
import Glibc
import SystemPackage

/// Delivers process signals as readable events on a signalfd, so they are handled on the event loop like
/// any other input instead of in an async-signal handler. Block the signals before starting other threads.
public final class SignalSource {
    private let descriptor: OwnedDescriptor

    /// Blocks `signals` for the calling thread (and threads it starts later) and opens a signalfd for them.
    public init(_ signals: [CInt]) throws(Errno) {
        var set = sigset_t()
        try syscall { signals.withUnsafeBufferPointer { netcon_block_signals($0.baseAddress, CInt($0.count), &set) } }
        descriptor = OwnedDescriptor(rawValue: try syscall { signalfd(-1, &set, CInt(SFD_CLOEXEC | SFD_NONBLOCK)) })
    }

    public var fd: CInt { descriptor.rawValue }

    public struct Arrival: Sendable {
        public var signal: CInt
        /// The kernel raised it (a terminal's Ctrl-C, a child's SIGCHLD) rather than another process's kill().
        public var fromKernel: Bool
    }

    /// The signals that arrived since the last call.
    public func drain() -> [CInt] { drainArrivals().map(\.signal) }

    public func drainArrivals() -> [Arrival] {
        var received = [Arrival]()
        var info = signalfd_siginfo()
        while read(descriptor.rawValue, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
            received.append(Arrival(signal: CInt(info.ssi_signo), fromKernel: info.ssi_code == Self.raisedByKernel))
        }
        return received
    }

    /// SI_KERNEL: how the tty driver's signals are marked (a process's kill() is SI_USER).
    private static let raisedByKernel: Int32 = 0x80
}
