/// The client's first message: the authentication methods it offers (RFC 1928 §3).
public struct SOCKSGreeting: Equatable, Sendable {
    public static let noAuthentication: UInt8 = 0x00
    public static let usernamePassword: UInt8 = 0x02
    public static let noAcceptableMethod: UInt8 = 0xff

    public var methods: [UInt8]

    public init(methods: [UInt8]) { self.methods = methods }

    public static func decode(_ bytes: some RandomAccessCollection<UInt8>) throws(SOCKSError) -> Decoded<SOCKSGreeting> {
        let head = Array(bytes.prefix(2))
        guard let version = head.first else { return .incomplete }
        guard version == 5 else { throw .badVersion(version) }
        guard head.count == 2 else { return .incomplete }
        let count = Int(head[1])
        guard count > 0 else { throw .noMethods }
        guard bytes.count >= 2 + count else { return .incomplete }
        return .complete(SOCKSGreeting(methods: Array(bytes.dropFirst(2).prefix(count))), consumed: 2 + count)
    }

    public var bytes: [UInt8] { [5, UInt8(methods.count)] + methods }

    /// The server's answer: the method chosen, or `noAcceptableMethod`.
    public static func choice(_ method: UInt8) -> [UInt8] { [5, method] }
}
