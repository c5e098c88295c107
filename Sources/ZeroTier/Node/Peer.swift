/// Another node this node has a verified identity and a shared key for.
final class Peer {
    static let maximumPaths = 16

    let identity: Identity
    /// The 48-byte key both sides derive from their C25519 keys; packets to and from this peer use it.
    let key: SecretBytes
    /// AES-GMAC-SIV keys for suite-3 packets, derived from `key` on first use.
    lazy var aesKeys = AESGMACSIVKeys(peerKey: key)
    var isRoot: Bool
    private(set) var paths: [Path] = []
    /// What the peer's last HELLO or OK(HELLO) announced; nil until one arrives.
    var remoteVersion: RemoteVersion?
    var lastReceive: Int64 = 0
    var lastHelloSent: Int64 = 0

    init(identity: Identity, key: SecretBytes, isRoot: Bool) {
        self.identity = identity
        self.key = key
        self.isRoot = isRoot
    }

    var address: Address { identity.address }

    /// Whether encrypted packets to this peer go out as suite 3: it announced protocol 12 or later, the
    /// only test ZeroTier One 1.14 makes. Until its version is known, suite 1.
    var speaksAESGMACSIV: Bool {
        (remoteVersion?.protocolVersion ?? 0) >= ProtocolLimits.aesGmacSivProtocolVersion
    }

    /// The most recently heard-from active path; nil when none received lately (send through a root then).
    func bestPath(now: Int64) -> Path? {
        // Per packet sent: no array in between.
        paths.lazy.filter { $0.isActive(now: now) }.max { $0.lastReceive < $1.lastReceive }
    }

    /// The paths due a heartbeat, marked as probed now.
    func takeHeartbeats(now: Int64) -> [InetEndpoint] {
        var due = [InetEndpoint]()
        for index in paths.indices where paths[index].needsHeartbeat(now: now) {
            paths[index].lastHeartbeat = now
            due.append(paths[index].endpoint)
        }
        return due
    }

    var latency: Int? { paths.max { $0.lastReceive < $1.lastReceive }?.latency }

    func hasPath(_ endpoint: InetEndpoint) -> Bool { paths.contains { $0.endpoint == endpoint } }

    /// Records an authenticated packet that arrived directly (hops 0) from `endpoint`.
    func confirmPath(_ endpoint: InetEndpoint, now: Int64) {
        if let index = paths.firstIndex(where: { $0.endpoint == endpoint }) {
            paths[index].lastReceive = now
            return
        }
        if paths.count >= Self.maximumPaths, let oldest = paths.indices.min(by: { paths[$0].lastReceive < paths[$1].lastReceive }) {
            paths.remove(at: oldest)
        }
        paths.append(Path(endpoint: endpoint, now: now))
    }

    func noteSent(on endpoint: InetEndpoint, now: Int64) {
        if let index = paths.firstIndex(where: { $0.endpoint == endpoint }) { paths[index].lastSend = now }
    }

    func recordLatency(_ milliseconds: Int, on endpoint: InetEndpoint) {
        if let index = paths.firstIndex(where: { $0.endpoint == endpoint }) { paths[index].latency = milliseconds }
    }

    func expirePaths(now: Int64) {
        paths.removeAll { !$0.isAlive(now: now) }
    }
}
