/// A certificate of ownership (of IP or MAC addresses), kept as its exact bytes; only the fields needed to
/// file it are read out.
///
/// | size | field |
/// |---|---|
/// | 8 | network ID |
/// | 8 | timestamp |
/// | 8 | flags |
/// | 4 | id |
/// | 2 | number of things (at most 16) |
/// | 17 each | thing: type (1 MAC, 2 IPv4, 3 IPv6), value padded to 16 bytes |
/// | 5 | issued to |
/// | 5 | signed by |
/// | 1 + 2 + n | signature: type, length, bytes (type 1 = C25519, length 96) |
/// | 2 + n | extension length and bytes |
public struct CertificateOfOwnership: Hashable, Sendable {
    public static let maxThings = 16
    static let thingValueByteCount = 16

    public let bytes: [UInt8]
    public let networkID: NetworkID
    public let timestamp: UInt64
    public let id: UInt32
    public let thingCount: Int
    public let issuedTo: Address

    public init(from reader: inout ByteReader) throws(DecodingError) {
        let start = reader.offset
        networkID = try reader.readNetworkID()
        timestamp = try reader.readUInt64()
        try reader.skip(8)  // flags
        id = try reader.readUInt32()
        thingCount = Int(try reader.readUInt16())
        // ZeroTier stops advancing past the 16th thing instead of rejecting; nobody sends more, so refuse.
        guard thingCount <= Self.maxThings else { throw .invalid("certificate of ownership with \(thingCount) things") }
        try reader.skip(thingCount * (1 + Self.thingValueByteCount))
        issuedTo = try reader.readAddress()
        try reader.skip(Address.byteCount)  // signer
        try reader.skipCredentialSignature()
        try reader.skipCredentialExtension()
        bytes = reader.consumed(since: start)
    }

    public func encode(to writer: inout ByteWriter) { writer.write(bytes) }
}
