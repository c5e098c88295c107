import ZeroTier

/// The daemon's answer to one `ControlRequest`.
public enum ControlResponse: Codable, Sendable, Equatable {
    case status(NodeStatus)
    case joined(NetworkStatus)
    case left(NetworkID, wasJoined: Bool)
    case failure(ControlFailure)
}

/// A request the daemon understood but could not carry out.
public struct ControlFailure: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        case badRequest
        case unsupportedVersion
        case storage
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
