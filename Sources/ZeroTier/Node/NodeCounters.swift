/// Why the node dropped a datagram or packet. Every drop is counted and shown in `netcon status`.
public enum DropReason: String, Hashable, Sendable, CaseIterable, Codable {
    case malformed
    case authenticationFailed
    case unsupportedCipher
    case hopLimit
    case fromSelf
    case reservedAddress
    case identityMismatch
    case invalidIdentity
    case rateLimited
    case unexpectedReply
    case unknownVerb
    case badPayload
    case notRelaying
    case noRoute
    case waitingQueueFull
    case identityTimeout
    case fragmentRejected
    case protocolTooOld
    case notMember
    case invalidCredential
    case noCertificate
    /// A frame from a MAC that is not its sender's, on a network where the sender is no active bridge.
    case bridgingNotAllowed
}

/// Traffic counters of one node.
public struct NodeCounters: Hashable, Sendable {
    public var datagramsReceived = 0
    public var packetsAccepted = 0
    public var datagramsSent = 0
    public var packetsRelayed = 0
    public var natPunchesIgnored = 0
    public var dropped: [DropReason: Int] = [:]

    public var droppedTotal: Int { dropped.values.reduce(0, +) }

    mutating func drop(_ reason: DropReason) { dropped[reason, default: 0] += 1 }
}
