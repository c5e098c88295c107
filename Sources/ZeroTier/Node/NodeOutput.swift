/// What the engine asks its host to do, collected while it processes input and drained by the host.
public enum NodeOutput: Hashable, Sendable {
    /// Send these bytes to a UDP endpoint; `ttl` is set only for NAT-punching junk.
    case datagram([UInt8], to: InetEndpoint, ttl: UInt8?)
    /// An Ethernet frame arrived for a joined network.
    case frame(ReceivedFrame)
    /// A peer answered an ECHO the host asked for.
    case echoReply(EchoResult)
    /// A peer reported an error about something we sent.
    case peerError(PeerError)
    /// A root sent a newer, properly signed version of our planet: persist it.
    case planetUpdated(World)
    /// A controller sent a new config for a joined network (`dictionary` is what to cache).
    case networkConfigured(NetworkID, NetworkConfig, dictionary: [UInt8])
    /// A joined network's controller refused us (ACCESS_DENIED / NOT_FOUND).
    case networkStateChanged(NetworkID, NetworkState)
}

public struct ReceivedFrame: Hashable, Sendable {
    public var network: NetworkID
    public var sender: Address
    public var source: MAC
    public var destination: MAC
    public var etherType: UInt16
    /// Usually a slice of the packet it came in (no copy).
    public var payload: ArraySlice<UInt8>
}

public struct EchoResult: Hashable, Sendable {
    public var peer: Address
    public var packetID: UInt64
    public var roundTripMilliseconds: Int64
    /// True when the answer came straight from the peer, false when a root relayed it.
    public var direct: Bool
}

public struct PeerError: Hashable, Sendable {
    public var peer: Address
    public var inReVerb: Verb
    public var code: ErrorCode
    public var network: NetworkID?
}
