import Synchronization

/// Stops a daemon running on another thread (the node embedded in `netcon exec`), whether or not its loop
/// has started yet.
public final class DaemonStopper: Sendable {
    private let state = Mutex<(loop: EventLoop?, stopRequested: Bool)>((nil, false))

    public init() {}

    func attach(_ loop: EventLoop) {
        let stopNow = state.withLock { state in
            state.loop = loop
            return state.stopRequested
        }
        if stopNow { loop.stop() }
    }

    public func stop() {
        let loop = state.withLock { state in
            state.stopRequested = true
            return state.loop
        }
        loop?.stop()
    }
}
