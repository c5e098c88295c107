import Glibc
import Logging
import Synchronization

/// A whole node inside the `netcon exec` process, for the container case: one command, no daemon.
/// It runs the daemon's code on its own thread; `netcon exec` talks to it through its control socket like
/// to any daemon.
final class EmbeddedNode: @unchecked Sendable {
    private let stopper = DaemonStopper()
    private let outcome = Outcome()
    private var thread = pthread_t()

    init(options: Daemon.Options, logger: Logger, announce: @escaping @Sendable (String) -> Void) {
        var options = options
        options.handlesSignals = false
        options.raisesDescriptorLimit = false
        let daemon = Daemon(options: options, logger: logger, stopper: stopper, announce: announce)
        let context = Unmanaged.passRetained(Box { [outcome] in
            do throws(NetconError) {
                try daemon.run()
                outcome.value.withLock { $0 = .some(nil) }
            } catch {
                outcome.value.withLock { $0 = .some(error) }
            }
        }).toOpaque()
        let result = pthread_create(&thread, nil, { context in
            Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().work()
            return nil
        }, context)
        precondition(result == 0, "cannot start the embedded node's thread: \(result)")
    }

    /// Why the node stopped on its own (nil while it runs, or after an orderly stop).
    var failure: NetconError? { outcome.value.withLock { $0 ?? nil } }

    var hasStopped: Bool { outcome.value.withLock { $0 != nil } }

    func stop() {
        stopper.stop()
        pthread_join(thread, nil)
    }

    /// How the daemon's run ended: nil while running, .some(nil) after an orderly stop.
    private final class Outcome: Sendable {
        let value = Mutex<NetconError??>(nil)
    }

    private final class Box {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }
}
