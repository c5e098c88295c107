/// Bounded reads over one DNS message, following name compression the way RFC 1035 4.1.4 allows it: pointers only
/// backwards, so a message cannot make a name loop.
struct DNSReader {
    let message: [UInt8]
    var offset: Int

    init(_ message: [UInt8], at offset: Int = 0) {
        self.message = message
        self.offset = offset
    }

    mutating func u8() throws(DNSDecodeError) -> UInt8 {
        guard offset < message.count else { throw .truncated }
        defer { offset += 1 }
        return message[offset]
    }

    mutating func u16() throws(DNSDecodeError) -> UInt16 {
        guard offset + 2 <= message.count else { throw .truncated }
        defer { offset += 2 }
        return UInt16(message[offset]) << 8 | UInt16(message[offset + 1])
    }

    mutating func u32() throws(DNSDecodeError) -> UInt32 {
        UInt32(try u16()) << 16 | UInt32(try u16())
    }

    mutating func bytes(_ count: Int) throws(DNSDecodeError) -> ArraySlice<UInt8> {
        guard count >= 0, offset + count <= message.count else { throw .truncated }
        defer { offset += count }
        return message[offset..<offset + count]
    }

    mutating func skip(_ count: Int) throws(DNSDecodeError) { _ = try bytes(count) }

    /// A name at the current offset; the offset moves past its first occurrence (a pointer ends it).
    mutating func name() throws(DNSDecodeError) -> DNSName {
        var labels: [[UInt8]] = []
        var wireLength = 1
        var position = offset
        var resumeAt: Int?
        while true {
            guard position < message.count else { throw .truncated }
            let length = Int(message[position])
            switch length & 0xc0 {
            case 0x00:
                if length == 0 {
                    offset = resumeAt ?? position + 1
                    return DNSName(labels: labels)
                }
                guard position + 1 + length <= message.count else { throw .truncated }
                wireLength += length + 1
                guard wireLength <= DNSName.maxWireLength else { throw .malformed("name longer than 255 bytes") }
                labels.append(Array(message[position + 1...position + length]))
                position += 1 + length
            case 0xc0:
                guard position + 1 < message.count else { throw .truncated }
                let target = (length & 0x3f) << 8 | Int(message[position + 1])
                guard target < position else { throw .malformed("compression pointer that does not point back") }
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
            default:
                throw .malformed("label type \(length >> 6)")
            }
        }
    }
}

public enum DNSDecodeError: Error, Equatable, Sendable {
    case truncated
    case malformed(String)
}
