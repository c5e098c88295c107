/// A tag credential, kept as its exact bytes; only the fields needed to file it are read out.
///
/// | size | field |
/// |---|---|
/// | 8 | network ID |
/// | 8 | timestamp |
/// | 4 | tag id |
/// | 4 | tag value |
/// | 5 | issued to |
/// | 5 | signed by |
/// | 1 + 2 + n | signature: type, length, bytes (type 1 = C25519, length 96) |
/// | 2 + n | extension length and bytes |
public struct Tag: Hashable, Sendable {
    public let bytes: [UInt8]
    public let networkID: NetworkID
    public let timestamp: UInt64
    public let id: UInt32
    public let value: UInt32
    public let issuedTo: Address

    public init(from reader: inout ByteReader) throws(DecodingError) {
        let start = reader.offset
        networkID = try reader.readNetworkID()
        timestamp = try reader.readUInt64()
        id = try reader.readUInt32()
        value = try reader.readUInt32()
        issuedTo = try reader.readAddress()
        try reader.skip(Address.byteCount)  // signer
        try reader.skipCredentialSignature()
        try reader.skipCredentialExtension()
        bytes = reader.consumed(since: start)
    }

    public func encode(to writer: inout ByteWriter) { writer.write(bytes) }
}
