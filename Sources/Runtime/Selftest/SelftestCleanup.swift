import Glibc
import Synchronization

/// Makes an interrupted selftest clean up: SIGINT/SIGTERM/SIGHUP are taken by a watcher thread (sigwait), which
/// tears the world down and exits 130. Nothing else in the selftest process handles signals.
enum SelftestCleanup {
    private static let current = Mutex<SelftestWorld?>(nil)

    static func register(_ world: SelftestWorld) {
        current.withLock { $0 = world }
        startWatcher()
    }

    static func unregister() { current.withLock { $0 = nil } }

    private static let started = Atomic<Bool>(false)

    private static func startWatcher() {
        guard !started.exchange(true, ordering: .relaxed) else { return }
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            var set = sigset_t()
            sigemptyset(&set)
            for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, signal) }
            var received: CInt = 0
            sigwait(&set, &received)
            let world = SelftestCleanup.current.withLock { world in
                defer { world = nil }
                return world
            }
            world?.tearDown()
            _exit(130)
        }, nil)
        pthread_detach(thread)
    }
}
