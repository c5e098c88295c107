import CLwIP

/// The few-millisecond tick of netcon's TCP loss recovery (`netcon_tcp_recovery` in CLwIP.h): a
/// `sys_timeout` on lwIP's thread that runs while some connection has data in flight, queued, or an ACK held
/// back, and visits only those connections — idle ones cost nothing however many there are.
///
/// State guarded by the core lock (`watch` is called with it held; the tick runs on lwIP's thread).
enum TCPRecoveryTicker {
    static let intervalMilliseconds: UInt32 = 2

    nonisolated(unsafe) private static var watched: [ObjectIdentifier: TCPConnection] = [:]
    nonisolated(unsafe) private static var armed = false

    /// Core held: `connection` gets ticks until it has nothing in flight.
    static func watch(_ connection: TCPConnection) {
        Stack.preconditionCoreHeld()
        guard !connection.isWatchedForRecovery else { return }
        connection.isWatchedForRecovery = true
        watched[ObjectIdentifier(connection)] = connection
        guard !armed else { return }
        armed = true
        netcon_lwip_timeout_from_any_thread(intervalMilliseconds, { _ in TCPRecoveryTicker.tick() }, nil)
    }

    /// Core held, from the thread that feeds frames to lwIP, after each input batch: the tick's visit, if one
    /// is due. lwIP's thread runs the tick only once it gets the core lock, and on a busy node the threads
    /// feeding lwIP hold it most of the time (seen: ticks a second late, so every retransmission waited).
    static func visitIfDue() {
        guard armed, netcon_monotonic_us() &- lastVisit >= intervalMilliseconds * 1000 else { return }
        visit()
    }

    nonisolated(unsafe) private static var lastVisit: UInt32 = 0

    private static func visit() {
        lastVisit = netcon_monotonic_us()
        var done: [ObjectIdentifier] = []
        for (key, connection) in watched where !connection.recoveryTick() {
            connection.isWatchedForRecovery = false
            done.append(key)
        }
        for key in done { watched[key] = nil }
    }

    private static func tick() {
        visit()
        if watched.isEmpty {
            armed = false
        } else {
            sys_timeout(intervalMilliseconds, { _ in TCPRecoveryTicker.tick() }, nil)
        }
    }
}
