/// Username/password authentication's request (RFC 1929): the sub-negotiation after method 0x02 was chosen.
public struct SOCKSPasswordRequest: Equatable, Sendable {
    public var username: [UInt8]
    public var password: [UInt8]

    public init(username: [UInt8], password: [UInt8]) {
        self.username = username
        self.password = password
    }

    public static func decode(_ bytes: some RandomAccessCollection<UInt8>) throws(SOCKSError) -> Decoded<SOCKSPasswordRequest> {
        let all = Array(bytes.prefix(2 + 255 + 1 + 255))
        guard let version = all.first else { return .incomplete }
        guard version == 1 else { throw .malformed("username/password version \(version)") }
        guard all.count >= 2 else { return .incomplete }
        let nameLength = Int(all[1])
        guard all.count >= 3 + nameLength else { return .incomplete }
        let passwordLength = Int(all[2 + nameLength])
        let total = 3 + nameLength + passwordLength
        guard all.count >= total else { return .incomplete }
        guard nameLength > 0 else { throw .malformed("empty username") }
        return .complete(SOCKSPasswordRequest(username: Array(all[2..<2 + nameLength]),
                                              password: Array(all[3 + nameLength..<total])), consumed: total)
    }

    /// Names and passwords longer than 255 bytes cannot be said; they are cut.
    public var bytes: [UInt8] {
        let name = username.prefix(255), secret = password.prefix(255)
        return [1, UInt8(name.count)] + name + [UInt8(secret.count)] + secret
    }

    /// The server's verdict (status 0 is success; anything else and the connection closes).
    public static func verdict(success: Bool) -> [UInt8] { [1, success ? 0 : 1] }
}
