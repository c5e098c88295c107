/// A capability credential (a signed bundle of extra rules), kept as its exact bytes; only the fields needed
/// to file it are read out.
///
/// | size | field |
/// |---|---|
/// | 8 | network ID |
/// | 8 | timestamp |
/// | 4 | capability id |
/// | 2 | number of rules (at most 64) |
/// | 2 + n each | rule: type, length, n bytes of rule-specific fields |
/// | 1 | maximum custody chain length (1–7) |
/// | per link | to (5, all zero ends the chain), from (5), signature: type, length, bytes |
/// | 2 + n | extension length and bytes |
public struct Capability: Hashable, Sendable {
    public static let maxRules = 64
    public static let maxCustodyChainLength = 7

    public let bytes: [UInt8]
    public let networkID: NetworkID
    public let timestamp: UInt64
    public let id: UInt32
    public let ruleCount: Int

    public init(from reader: inout ByteReader) throws(DecodingError) {
        let start = reader.offset
        networkID = try reader.readNetworkID()
        timestamp = try reader.readUInt64()
        id = try reader.readUInt32()
        ruleCount = Int(try reader.readUInt16())
        guard ruleCount <= Self.maxRules else { throw .invalid("capability with \(ruleCount) rules") }
        for _ in 0..<ruleCount {
            try reader.skip(1)  // rule type
            try reader.skip(Int(try reader.readUInt8()))
        }
        let chainLength = Int(try reader.readUInt8())
        guard (1...Self.maxCustodyChainLength).contains(chainLength) else {
            throw .invalid("capability custody chain length \(chainLength)")
        }
        var links = 0
        while try reader.readAddress().rawValue != 0 {
            links += 1
            guard links <= chainLength else { throw .invalid("capability custody chain longer than \(chainLength)") }
            try reader.skip(Address.byteCount)  // from
            try reader.skipCredentialSignature()
        }
        try reader.skipCredentialExtension()
        bytes = reader.consumed(since: start)
    }

    public func encode(to writer: inout ByteWriter) { writer.write(bytes) }
}
