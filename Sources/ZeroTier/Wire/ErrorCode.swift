/// The error code byte of a VERB_ERROR message (after the in-re verb and in-re packet ID).
public enum ErrorCode: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    case none = 0x00
    case invalidRequest = 0x01
    case badProtocolVersion = 0x02
    case objectNotFound = 0x03
    case identityCollision = 0x04
    case unsupportedOperation = 0x05
    case needMembershipCertificate = 0x06
    case networkAccessDenied = 0x07
    case unwantedMulticast = 0x08
    case networkAuthenticationRequired = 0x09

    public var description: String {
        switch self {
        case .none: "NONE"
        case .invalidRequest: "INVALID_REQUEST"
        case .badProtocolVersion: "BAD_PROTOCOL_VERSION"
        case .objectNotFound: "OBJ_NOT_FOUND"
        case .identityCollision: "IDENTITY_COLLISION"
        case .unsupportedOperation: "UNSUPPORTED_OPERATION"
        case .needMembershipCertificate: "NEED_MEMBERSHIP_CERTIFICATE"
        case .networkAccessDenied: "NETWORK_ACCESS_DENIED"
        case .unwantedMulticast: "UNWANTED_MULTICAST"
        case .networkAuthenticationRequired: "NETWORK_AUTHENTICATION_REQUIRED"
        }
    }
}
