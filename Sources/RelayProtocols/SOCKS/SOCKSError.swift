/// Why a SOCKS5 client's bytes are refused, and the reply code (RFC 1928 §6) that says so where the client
/// gets one; a client that does not speak SOCKS5 (`badVersion`) is just closed.
public enum SOCKSError: Error, Equatable, Sendable {
    case badVersion(UInt8)
    case noMethods
    case commandNotSupported(UInt8)
    case addressTypeNotSupported(UInt8)
    case malformed(String)

    public var reply: SOCKSReply.Code? {
        switch self {
        case .badVersion, .noMethods: nil
        case .commandNotSupported: .commandNotSupported
        case .addressTypeNotSupported: .addressTypeNotSupported
        case .malformed: .generalFailure
        }
    }
}
