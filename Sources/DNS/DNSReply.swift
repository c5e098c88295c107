/// A response as a client reads it: its code, the addresses among its answers (CNAME chains are followed by
/// taking every A/AAAA answer, as stub resolvers do) and the names its PTR answers give.
public struct DNSReply: Equatable, Sendable {
    public var header: DNSHeader
    public var addresses: [[UInt8]]
    public var names: [DNSName] = []

    public init(parsing message: [UInt8]) throws(DNSDecodeError) {
        var reader = DNSReader(message)
        header = try DNSHeader(&reader)
        guard header.isResponse else { throw .malformed("a query, not a response") }
        for _ in 0..<header.questionCount {
            _ = try reader.name()
            try reader.skip(4)
        }
        addresses = []
        for _ in 0..<header.answerCount {
            _ = try reader.name()
            let type = try reader.u16()
            let recordClass = try reader.u16()
            _ = try reader.u32()
            let length = Int(try reader.u16())
            let dataStart = reader.offset
            let data = try reader.bytes(length)
            guard recordClass == DNSType.internetClass else { continue }
            if type == DNSType.ptr {
                var inner = DNSReader(message, at: dataStart)
                names.append(try inner.name())
                guard inner.offset <= dataStart + length else { throw .malformed("a PTR name longer than its record") }
            }
            if (type == DNSType.a && length == 4) || (type == DNSType.aaaa && length == 16) { addresses.append(Array(data)) }
        }
    }
}
