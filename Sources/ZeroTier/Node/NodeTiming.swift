/// The node's timing constants in milliseconds. Where ZeroTier One has the same knob the value is no slower
/// than its own, so a netcon node never comes up later than a real one would.
public enum NodeTiming {
    /// How often background work runs at the latest.
    public static let tick: Int64 = 500
    /// HELLO to a root that has not answered yet (ZeroTier checks every 5 s).
    public static let rootRetry: Int64 = 1_000
    /// HELLO to a root that is answering, to keep the path and the online state fresh.
    public static let rootPing: Int64 = 15_000
    /// A node is online while a root has answered within this window.
    public static let onlineWindow: Int64 = 45_000
    /// HELLO on a peer's direct path to keep it and measure latency (ZeroTier's ZT_PEER_PING_PERIOD).
    public static let peerPing: Int64 = 60_000
    /// A path is used for sending while it has received within this window (ZeroTier's "alive": 19 s). A path
    /// that died silently stops being used after it, and packets go through a root until it answers again.
    public static let pathActivity: Int64 = 20_000
    /// A known path that has received nothing for this long gets a HELLO this often, until it answers or is
    /// forgotten: keeps an idle path active (and a NAT mapping open), and finds a path that came back.
    public static let pathHeartbeat: Int64 = 8_000
    /// A path with no traffic for this long is forgotten (ZT_PEER_PATH_EXPIRATION).
    public static let pathExpiration: Int64 = 243_000
    /// WHOIS is retried this often, this many times (ZT_WHOIS_RETRY_DELAY, ZT_MAX_WHOIS_RETRIES).
    public static let whoisRetry: Int64 = 500
    public static let whoisAttempts = 4
    /// Packets waiting for a sender's identity are dropped after this (ZT_RECEIVE_QUEUE_TIMEOUT).
    public static let identityWait: Int64 = 5_000
    /// A root introduces the same two peers at most this often while they still talk through it
    /// (ZeroTier waits 30 s; netcon retries sooner so a lost HELLO costs less).
    public static let uniteInterval: Int64 = 10_000
    /// At most one unknown identity is verified per source network in this window (as ZeroTier does).
    public static let identityVerificationInterval: Int64 = 2_000
    /// OK and ERROR are accepted only in reply to a packet sent within this window.
    public static let replyWindow: Int64 = 60_000
    /// Peers with no traffic for this long and no reason to be kept are dropped from memory.
    public static let peerIdleExpiration: Int64 = 600_000
}
