import Dispatch
import NetStack
import Synchronization

/// Shared mutable state for handlers that run on lwIP's thread and queues.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }

    var value: Value { mutex.withLock { $0 } }
}

/// A one-shot event an async test can wait for, with a timeout so a broken stack fails instead of hanging.
final class Event: Sendable {
    private struct State {
        var signaled = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
    }

    private let state = Mutex(State())

    func signal() {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.signaled = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    var isSignaled: Bool { state.withLock { $0.signaled } }

    /// True when signaled, false on timeout.
    func wait(timeout: Duration = .seconds(30)) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let id = state.withLock { state -> Int? in
                if state.signaled { return nil }
                state.nextWaiter += 1
                state.waiters[state.nextWaiter] = continuation
                return state.nextWaiter
            }
            guard let id else {
                continuation.resume(returning: true)
                return
            }
            let nanoseconds = timeout.components.seconds * 1_000_000_000
                + timeout.components.attoseconds / 1_000_000_000
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
                let expired = state.withLock { $0.waiters.removeValue(forKey: id) }
                expired?.resume(returning: false)
            }
        }
    }
}

/// Deterministic bytes (xorshift64*), generated a word at a time.
func pattern(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var x = seed
    bytes.withUnsafeMutableBytes { raw in
        let words = raw.count / 8
        let base = raw.baseAddress!
        for i in 0..<words {
            x ^= x >> 12
            x ^= x << 25
            x ^= x >> 27
            base.storeBytes(of: x &* 0x2545_F491_4F6C_DD1D, toByteOffset: i * 8, as: UInt64.self)
        }
        for i in (words * 8)..<raw.count { raw[i] = UInt8(truncatingIfNeeded: i) }
    }
    return bytes
}

/// Connects from A to B's `port` and sends `data` from a queue of its own as fast as lwIP takes it (waiting for
/// the writable callback while the send buffer is full); `finish` runs once the last byte is queued.
func connectAndSend(_ data: [UInt8], over hosts: TwoHosts, to port: UInt16, label: String = "sender",
                    finish: @escaping @Sendable (TCPConnection) -> Void = { _ in }) async throws -> TCPConnection {
    let writable = DispatchSemaphore(value: 0)
    let sender = try await TCPConnection.connect(
        to: .v4(TwoHosts.addressB4), port: port, via: hosts.a,
        handlers: .init(receive: { _ in }, writable: { writable.signal() }))
    DispatchQueue(label: label).async {
        var offset = 0
        while offset < data.count {
            let accepted = (try? sender.send(data[offset...])) ?? 0
            offset += accepted
            if accepted == 0 { _ = writable.wait(timeout: .now() + 1) }
        }
        finish(sender)
    }
    return sender
}
