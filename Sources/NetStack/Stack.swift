import CLwIP

/// The one owner of lwIP's threading rule. Debian builds lwIP with NO_SYS=0 and core locking, so lwIP runs
/// its own tcpip thread: every call into lwIP from netcon happens inside `withCoreLock` (or in a callback
/// lwIP makes on its own thread, which already holds the lock). Never hold the lock across an `await`.
public enum Stack {
    /// Starts lwIP's tcpip thread once per process; later calls return immediately.
    public static func start() { netcon_lwip_start() }

    public static var version: String { String(cString: netcon_lwip_version()) }

    /// Runs `body` with the lwIP core lock held.
    ///
    /// Debian's core lock is a plain, non-recursive mutex. When the calling thread already holds the core —
    /// it is lwIP's tcpip thread running one of NetStack's callbacks (receive, writable, accept, completion…),
    /// or it is inside an outer `withCoreLock` — `body` runs inline instead of locking again; the lock is never
    /// taken twice. Calling this from a driver callback (`NetworkInterface.onOutput`, `onMulticastChange`)
    /// traps: lwIP is in the middle of sending there.
    public static func withCoreLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        start()
        precondition(
            netcon_lwip_in_driver_callback() == 0,
            "NetStack: no lwIP calls from onOutput/onMulticastChange; hand the frame to another thread")
        if netcon_lwip_core_held() != 0 { return try body() }
        netcon_lwip_lock()
        defer { netcon_lwip_unlock() }
        return try body()
    }

    /// Checks isolation instead of assuming it: state guarded by the core is only touched with it held.
    static func preconditionCoreHeld(_ file: StaticString = #fileID, _ line: UInt = #line) {
        precondition(netcon_lwip_core_held() != 0, "NetStack: lwIP core lock not held", file: file, line: line)
    }

    /// What Debian's lwipopts.h fixed at build time; see `Limits`.
    public static var limits: Limits { Limits(netcon_lwip_get_limits()) }

    /// The protocol control blocks lwIP holds now: what a leak of virtual sockets would show.
    public struct ControlBlocks: Equatable, Sendable {
        public var tcpActive: Int
        public var tcpListening: Int
        public var tcpBound: Int
        public var tcpTimeWait: Int
        public var udp: Int
    }

    public static var controlBlocks: ControlBlocks {
        let counts = withCoreLock { netcon_lwip_count_pcbs() }
        return ControlBlocks(tcpActive: Int(counts.tcp_active), tcpListening: Int(counts.tcp_listening),
                             tcpBound: Int(counts.tcp_bound), tcpTimeWait: Int(counts.tcp_time_wait), udp: Int(counts.udp))
    }

    /// At most this many connections stay in TIME-WAIT (the oldest go first when more close): each holds its port
    /// for 2 MSL otherwise, and 16384 ephemeral ports are soon all held by a busy client. 4096 by default.
    public static func setTimeWaitLimit(_ limit: Int) {
        withCoreLock { netcon_tcp_set_time_wait_limit(UInt32(clamping: max(1, limit))) }
    }

    /// How many bytes the peers of all this process's TCP connections may send it at once: the connections
    /// receiving data share it equally (each at least four segments, at most its widened window). Set it to
    /// what the underlay can hold while the node catches up, so many streams slow each other down instead of
    /// overflowing the socket's buffer and losing datagrams.
    public static var receiveBudget: Int {
        get { withCoreLock { Int(netcon_tcp_receive_budget()) } }
        set { withCoreLock { netcon_tcp_set_receive_budget(UInt32(clamping: max(0, newValue))) } }
    }
}
