import NetconRPC

/// The server's answer to a request: VER REP RSV ATYP BND.ADDR BND.PORT (RFC 1928 §6).
public struct SOCKSReply: Equatable, Sendable {
    public enum Code: UInt8, Sendable {
        case succeeded = 0
        case generalFailure = 1
        case notAllowed = 2
        case networkUnreachable = 3
        case hostUnreachable = 4
        case connectionRefused = 5
        case ttlExpired = 6
        case commandNotSupported = 7
        case addressTypeNotSupported = 8
    }

    public var code: Code
    /// The address the proxy connected (or, for UDP ASSOCIATE, listens) from.
    public var bound: ProxyDestination

    public static let unspecified = ProxyDestination(host: .address(.v4([0, 0, 0, 0])), port: 0)

    public init(code: Code, bound: ProxyDestination = SOCKSReply.unspecified) {
        self.code = code
        self.bound = bound
    }

    public var bytes: [UInt8] { [5, code.rawValue, 0] + SOCKSAddress.encode(bound) }

    public static func decode(_ bytes: some RandomAccessCollection<UInt8>) throws(SOCKSError) -> Decoded<SOCKSReply> {
        let head = Array(bytes.prefix(3))
        guard let version = head.first else { return .incomplete }
        guard version == 5 else { throw .badVersion(version) }
        guard head.count == 3 else { return .incomplete }
        guard let code = Code(rawValue: head[1]) else { throw .malformed("reply code \(head[1])") }
        switch try SOCKSAddress.decode(bytes, at: 3) {
        case .incomplete: return .incomplete
        case let .complete(bound, consumed): return .complete(SOCKSReply(code: code, bound: bound), consumed: 3 + consumed)
        }
    }
}
