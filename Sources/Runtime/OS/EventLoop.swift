import CNetconSys
import Glibc
import HeapModule
import Synchronization
import SystemPackage

/// A single-threaded epoll loop: descriptors, timers and cross-thread work all run on the thread that
/// calls `run()`. The daemon's sockets and (later) the per-packet path live here, so no handler needs a lock.
public final class EventLoop: @unchecked Sendable {
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let readable = Events(rawValue: EPOLLIN.rawValue)
        public static let writable = Events(rawValue: EPOLLOUT.rawValue)
        public static let hangup = Events(rawValue: EPOLLHUP.rawValue | EPOLLRDHUP.rawValue)
        public static let error = Events(rawValue: EPOLLERR.rawValue)
    }

    public struct TimerID: Hashable, Sendable { let value: UInt64 }

    /// Deadlines in a heap, actions by id: the next timer is found without visiting the others (a node holds
    /// one per recently closed connection, thousands), and a cancelled one is dropped when it comes up.
    private struct Deadline: Comparable {
        let at: Int64
        let id: UInt64
        static func < (a: Deadline, b: Deadline) -> Bool { (a.at, a.id) < (b.at, b.id) }
    }

    private let epoll: OwnedDescriptor
    private let wakeup: OwnedDescriptor
    private var handlers: [CInt: (Events) -> Void] = [:]
    private var timerActions: [UInt64: () -> Void] = [:]
    private var deadlines = Heap<Deadline>()
    private var nextTimerID: UInt64 = 0
    private let injected = Mutex<[@Sendable () -> Void]>([])
    private let stopRequested = Atomic<Bool>(false)
    private var loopThread: pthread_t?

    public init() throws(Errno) {
        epoll = OwnedDescriptor(rawValue: try syscall { epoll_create1(CInt(EPOLL_CLOEXEC)) })
        wakeup = OwnedDescriptor(rawValue: try syscall { eventfd(0, CInt(EFD_CLOEXEC | EFD_NONBLOCK)) })
        try control(EPOLL_CTL_ADD, wakeup.rawValue, .readable)
    }

    /// Traps when called off the loop thread: handlers and loop state are not thread-safe by design.
    public func preconditionInLoop(file: StaticString = #fileID, line: UInt = #line) {
        if let loopThread { precondition(pthread_equal(loopThread, pthread_self()) != 0, "not on the event loop thread", file: file, line: line) }
    }

    public func register(_ fd: CInt, for events: Events, handler: @escaping (Events) -> Void) throws(Errno) {
        preconditionInLoop()
        try control(EPOLL_CTL_ADD, fd, events)
        handlers[fd] = handler
    }

    public func modify(_ fd: CInt, for events: Events) throws(Errno) {
        preconditionInLoop()
        try control(EPOLL_CTL_MOD, fd, events)
    }

    /// Stops watching `fd`; call before closing it.
    public func unregister(_ fd: CInt) {
        preconditionInLoop()
        handlers[fd] = nil
        var event = epoll_event()
        _ = epoll_ctl(epoll.rawValue, EPOLL_CTL_DEL, fd, &event)
    }

    @discardableResult
    public func schedule(afterMilliseconds delay: Int64, _ action: @escaping () -> Void) -> TimerID {
        preconditionInLoop()
        nextTimerID += 1
        timerActions[nextTimerID] = action
        deadlines.insert(Deadline(at: monotonicMilliseconds() + max(0, delay), id: nextTimerID))
        return TimerID(value: nextTimerID)
    }

    public func cancel(_ timer: TimerID) {
        preconditionInLoop()
        timerActions[timer.value] = nil
    }

    /// Runs `work` on the loop thread soon; safe from any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        injected.withLock { $0.append(work) }
        signalWakeup()
    }

    /// Makes `run()` return after the current iteration; safe from any thread.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        signalWakeup()
    }

    /// Runs until `stop()`. Handler errors are the handlers' business: the loop itself only fails if epoll does.
    public func run() throws(Errno) {
        loopThread = pthread_self()
        defer { loopThread = nil }
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while !stopRequested.load(ordering: .acquiring) {
            let timeout = millisecondsUntilNextTimer()
            let count = try events.withUnsafeMutableBufferPointer { buffer throws(Errno) in
                try syscall { epoll_wait(epoll.rawValue, buffer.baseAddress, CInt(buffer.count), timeout) }
            }
            for index in 0..<Int(count) {
                let fd = events[index].data.fd
                if fd == wakeup.rawValue {
                    drainWakeup()
                    continue
                }
                handlers[fd]?(Events(rawValue: events[index].events))
            }
            runInjectedWork()
            runDueTimers()
        }
        stopRequested.store(false, ordering: .relaxed)
    }

    private func control(_ operation: CInt, _ fd: CInt, _ events: Events) throws(Errno) {
        var event = epoll_event()
        event.events = events.rawValue
        event.data.fd = fd
        try syscall { epoll_ctl(epoll.rawValue, operation, fd, &event) }
    }

    private func millisecondsUntilNextTimer() -> CInt {
        while let earliest = deadlines.min, timerActions[earliest.id] == nil { deadlines.removeMin() }
        guard let earliest = deadlines.min else { return -1 }
        return CInt(clamping: max(0, earliest.at - monotonicMilliseconds()))
    }

    /// Timers due now, earliest first; one scheduled meanwhile waits for the next iteration even when due.
    private func runDueTimers() {
        let now = monotonicMilliseconds()
        let newest = nextTimerID
        var later: [Deadline] = []
        while let earliest = deadlines.min, earliest.at <= now {
            deadlines.removeMin()
            if earliest.id > newest {
                later.append(earliest)
            } else if let action = timerActions.removeValue(forKey: earliest.id) {
                action()
            }
        }
        for deadline in later { deadlines.insert(deadline) }
    }

    private func runInjectedWork() {
        let work = injected.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        for item in work { item() }
    }

    private func signalWakeup() {
        var one: UInt64 = 1
        _ = write(wakeup.rawValue, &one, 8)
    }

    private func drainWakeup() {
        var value: UInt64 = 0
        _ = read(wakeup.rawValue, &value, 8)
    }
}
