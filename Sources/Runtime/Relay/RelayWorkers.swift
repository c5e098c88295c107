import Glibc
import Synchronization

/// Threads for the blocking part of a relayed connection (a connect through the node, a proxy handshake), at most
/// `limit` at once, so the relay loop never waits on one. Each piece of work bounds its own time (timeouts on its
/// sockets); the threads are detached.
final class RelayWorkers: Sendable {
    let limit: Int
    private let running = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Starts `work` on a thread of its own; false (and `work` dropped) when `limit` are busy.
    func start(_ work: @escaping @Sendable () -> Void) -> Bool {
        guard running.add(1, ordering: .relaxed).newValue <= limit else {
            running.subtract(1, ordering: .relaxed)
            return false
        }
        let context = Unmanaged.passRetained(Job(work: work, owner: self)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, CInt(PTHREAD_CREATE_DETACHED))
        defer { pthread_attr_destroy(&attributes) }
        let result = pthread_create(&thread, &attributes, { context in
            let job = Unmanaged<Job>.fromOpaque(context!).takeRetainedValue()
            job.work()
            job.owner.running.subtract(1, ordering: .relaxed)
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<Job>.fromOpaque(context).release()
            running.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    private final class Job: @unchecked Sendable {
        let work: @Sendable () -> Void
        let owner: RelayWorkers
        init(work: @escaping @Sendable () -> Void, owner: RelayWorkers) {
            self.work = work
            self.owner = owner
        }
    }
}
