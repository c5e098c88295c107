/// One physical way to reach a peer: the UDP endpoint its packets arrive from, with when it was last used.
public struct Path: Hashable, Sendable {
    public let endpoint: InetEndpoint
    public internal(set) var lastReceive: Int64
    public internal(set) var lastSend: Int64
    /// When the last heartbeat HELLO went out on this path (0: never).
    public internal(set) var lastHeartbeat: Int64 = 0
    /// Round-trip time measured by HELLO / OK(HELLO) on this path.
    public internal(set) var latency: Int?

    init(endpoint: InetEndpoint, now: Int64) {
        self.endpoint = endpoint
        lastReceive = now
        lastSend = 0
    }

    /// Still remembered (and probed): it received within `NodeTiming.pathExpiration`.
    public func isAlive(now: Int64) -> Bool { now - lastReceive < NodeTiming.pathExpiration }

    /// Used for sending: it received within `NodeTiming.pathActivity`.
    public func isActive(now: Int64) -> Bool { now - lastReceive < NodeTiming.pathActivity }

    /// Due a heartbeat HELLO: quiet for `NodeTiming.pathHeartbeat`, and not probed within it either.
    func needsHeartbeat(now: Int64) -> Bool {
        now - lastReceive >= NodeTiming.pathHeartbeat && now - lastHeartbeat >= NodeTiming.pathHeartbeat
    }
}
