import ZeroTier

/// The daemon's answer to one `ControlRequest`.
public enum ControlResponse: Codable, Sendable, Equatable {
    case status(NodeStatus)
    case joined(NetworkStatus)
    case left(NetworkID, wasJoined: Bool)
    case pong(PingResult)
    case ipPong(address: String, roundTripMicroseconds: Int64)
    case network(ControllerNetworkInfo)
    case networks([ControllerNetworkInfo])
    case networkDeleted(NetworkID)
    case member(ControllerMemberInfo)
    case members([ControllerMemberInfo])
    case failure(ControlFailure)
}

/// A request the daemon understood but could not carry out.
public struct ControlFailure: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        case badRequest
        case unsupportedVersion
        case storage
        case timeout
        case notFound
        case internalError
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

public struct PingResult: Codable, Sendable, Equatable {
    public var peer: Address
    public var roundTripMilliseconds: Int64
    /// True when the answer came straight from the peer, false when a root relayed it.
    public var direct: Bool

    public init(peer: Address, roundTripMilliseconds: Int64, direct: Bool) {
        self.peer = peer
        self.roundTripMilliseconds = roundTripMilliseconds
        self.direct = direct
    }
}
