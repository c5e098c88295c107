/// The 12 bytes in front of every DNS message (RFC 1035 4.1.1).
public struct DNSHeader: Equatable, Sendable {
    public static let size = 12

    public var id: UInt16
    public var flags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    public var isResponse: Bool { flags & 0x8000 != 0 }
    public var opcode: UInt8 { UInt8(flags >> 11 & 0xf) }
    public var isTruncated: Bool { flags & 0x0200 != 0 }
    public var recursionDesired: Bool { flags & 0x0100 != 0 }
    public var responseCode: DNSResponseCode { DNSResponseCode(rawValue: UInt8(flags & 0xf)) }

    public init(id: UInt16, flags: UInt16, questionCount: UInt16 = 0, answerCount: UInt16 = 0, authorityCount: UInt16 = 0,
                additionalCount: UInt16 = 0) {
        self.id = id
        self.flags = flags
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    init(_ reader: inout DNSReader) throws(DNSDecodeError) {
        self.init(id: try reader.u16(), flags: try reader.u16(), questionCount: try reader.u16(), answerCount: try reader.u16(),
                  authorityCount: try reader.u16(), additionalCount: try reader.u16())
    }

    /// Only the ID of a message of at least two bytes, for answering what cannot be parsed.
    public static func id(of message: some Collection<UInt8>) -> UInt16? {
        guard message.count >= 2 else { return nil }
        let first = message.startIndex
        return UInt16(message[first]) << 8 | UInt16(message[message.index(after: first)])
    }

    var bytes: [UInt8] {
        [id, flags, questionCount, answerCount, authorityCount, additionalCount].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
}

public struct DNSResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let noError = DNSResponseCode(rawValue: 0)
    public static let formatError = DNSResponseCode(rawValue: 1)
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    public static let nameError = DNSResponseCode(rawValue: 3)
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    public static let refused = DNSResponseCode(rawValue: 5)

    public var description: String {
        switch rawValue {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        default: "RCODE\(rawValue)"
        }
    }
}

/// The record types netcon answers or reads.
public enum DNSType {
    public static let a: UInt16 = 1
    public static let ptr: UInt16 = 12
    public static let aaaa: UInt16 = 28
    public static let any: UInt16 = 255
    public static let internetClass: UInt16 = 1
}
