import Glibc

/// The dedicated thread of the socket bridge: its event loop serves the RPC socket and the node's end of
/// every virtual socket, so program traffic never waits behind the ZeroTier engine's loop (or the reverse).
/// The daemon's port forwards run on another one, a client of the bridge's RPC like any program.
/// Create it after the daemon blocked its signals: the thread inherits the mask.
final class BridgeThread: @unchecked Sendable {
    let loop: EventLoop
    private var thread: pthread_t?

    init() throws(NetconError) {
        do {
            loop = try EventLoop()
        } catch {
            throw .io(path: "epoll", errno: error)
        }
    }

    /// Registrations made before `start()` count as made on the loop.
    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let bridge = Unmanaged<BridgeThread>.fromOpaque(context!).takeRetainedValue()
            try? bridge.loop.run()
            return nil
        }, context)
        precondition(result == 0, "cannot start the bridge thread: \(result)")
        self.thread = thread
    }

    /// Runs `work` on the loop and waits for it; everything the bridge owns is closed this way at shutdown.
    func stop(after work: @escaping @Sendable () -> Void) {
        guard let thread else {
            work()
            return
        }
        loop.execute { [loop] in
            work()
            loop.stop()
        }
        pthread_join(thread, nil)
        self.thread = nil
    }
}
