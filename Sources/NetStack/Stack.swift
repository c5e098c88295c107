import CLwIP

/// The one owner of lwIP's threading rule. Debian builds lwIP with NO_SYS=0 and core locking, so lwIP runs
/// its own tcpip thread: every call into lwIP from netcon happens inside `withCoreLock` (or in a callback
/// lwIP makes on its own thread, which already holds the lock). Never hold the lock across an `await`.
public enum Stack {
    /// Starts lwIP's tcpip thread once per process; later calls return immediately.
    public static func start() { netcon_lwip_start() }

    public static var version: String { String(cString: netcon_lwip_version()) }

    /// Runs `body` with the lwIP core lock held. Not re-entrant: do not call from an lwIP callback.
    public static func withCoreLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        start()
        netcon_lwip_lock()
        defer { netcon_lwip_unlock() }
        return try body()
    }
}
