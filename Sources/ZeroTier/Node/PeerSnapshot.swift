/// A read-only view of a peer for status output and the peer cache.
public struct PeerSnapshot: Hashable, Sendable {
    public var identity: Identity
    public var isRoot: Bool
    public var version: RemoteVersion?
    public var latency: Int?
    public var paths: [Path]
    public var preferredPath: InetEndpoint?
    public var lastReceive: Int64
}

/// What the host persists about a peer so a restarted node can skip WHOIS and knows where to say HELLO.
public struct CachedPeer: Hashable, Sendable {
    public var identity: Identity
    public var endpoints: [InetEndpoint]

    public init(identity: Identity, endpoints: [InetEndpoint]) {
        self.identity = identity
        self.endpoints = endpoints
    }
}
