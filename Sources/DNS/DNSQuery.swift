/// A standard query with its one question, as a stub resolver sends it. Everything after the question
/// (an EDNS OPT record) is allowed and not needed.
public struct DNSQuery: Equatable, Sendable {
    public var header: DNSHeader
    public var name: DNSName
    public var type: UInt16
    public var questionClass: UInt16
    /// The question exactly as it came (case kept, RFC 1035's form; expanded if it was compressed), for the answer
    /// to repeat.
    public var questionWire: [UInt8]

    public init(parsing message: [UInt8]) throws(DNSDecodeError) {
        var reader = DNSReader(message)
        header = try DNSHeader(&reader)
        guard !header.isResponse else { throw .malformed("a response, not a query") }
        guard header.questionCount == 1 else { throw .malformed("\(header.questionCount) questions") }
        let start = reader.offset
        name = try reader.name()
        let nameEnd = reader.offset
        type = try reader.u16()
        questionClass = try reader.u16()
        // A compressed question cannot be repeated as it came: its pointer means something else in the answer.
        questionWire = nameEnd - start == name.wire.count
            ? Array(message[start..<reader.offset])
            : name.wire + Array(message[nameEnd..<reader.offset])
    }

    /// A recursive query for `name`, as a client sends it.
    public init(id: UInt16, name: DNSName, type: UInt16) {
        header = DNSHeader(id: id, flags: 0x0100, questionCount: 1)
        self.name = name
        self.type = type
        questionClass = DNSType.internetClass
        questionWire = name.wire + [UInt8(type >> 8), UInt8(type & 0xff), 0, 1]
    }

    public var bytes: [UInt8] { header.bytes + questionWire }

    /// The answer to this query: `records` as answers named by the question (a pointer to it), or none with `code`.
    public func response(_ code: DNSResponseCode, records: [DNSRecordData] = [], ttl: UInt32 = 60, authoritative: Bool = false,
                         recursionAvailable: Bool = true) -> [UInt8] {
        var flags: UInt16 = 0x8000 | UInt16(header.opcode) << 11 | header.flags & 0x0100 | UInt16(code.rawValue)
        if authoritative { flags |= 0x0400 }
        if recursionAvailable { flags |= 0x0080 }
        var bytes = DNSHeader(id: header.id, flags: flags, questionCount: 1, answerCount: UInt16(records.count)).bytes + questionWire
        for record in records {
            let data = record.bytes
            bytes += [0xc0, UInt8(DNSHeader.size)]
            bytes += [UInt8(record.type >> 8), UInt8(record.type & 0xff), 0, 1]
            bytes += [UInt8(ttl >> 24), UInt8(ttl >> 16 & 0xff), UInt8(ttl >> 8 & 0xff), UInt8(ttl & 0xff)]
            bytes += [UInt8(data.count >> 8), UInt8(data.count & 0xff)] + data
        }
        return bytes
    }

    /// What to answer a message that is not a query netcon can read: FORMERR with its ID, when it has one and is
    /// not itself a response.
    public static func formatError(for message: [UInt8]) -> [UInt8]? {
        guard message.count >= DNSHeader.size, message[2] & 0x80 == 0, let id = DNSHeader.id(of: message) else { return nil }
        let opcode = UInt16(message[2] >> 3 & 0xf)
        return DNSHeader(id: id, flags: 0x8000 | opcode << 11 | UInt16(DNSResponseCode.formatError.rawValue)).bytes
    }
}

/// The data of an answer record netcon gives.
public enum DNSRecordData: Hashable, Sendable {
    case a([UInt8])
    case aaaa([UInt8])
    case ptr(DNSName)

    public var type: UInt16 {
        switch self {
        case .a: DNSType.a
        case .aaaa: DNSType.aaaa
        case .ptr: DNSType.ptr
        }
    }

    var bytes: [UInt8] {
        switch self {
        case .a(let address), .aaaa(let address): address
        case .ptr(let name): name.wire
        }
    }
}
