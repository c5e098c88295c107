/// One physical way to reach a peer: the UDP endpoint its packets arrive from, with when it was last used.
public struct Path: Hashable, Sendable {
    public let endpoint: InetEndpoint
    public internal(set) var lastReceive: Int64
    public internal(set) var lastSend: Int64
    /// Round-trip time measured by HELLO / OK(HELLO) on this path.
    public internal(set) var latency: Int?

    init(endpoint: InetEndpoint, now: Int64) {
        self.endpoint = endpoint
        lastReceive = now
        lastSend = 0
    }

    public func isAlive(now: Int64) -> Bool { now - lastReceive < NodeTiming.pathExpiration }
}
