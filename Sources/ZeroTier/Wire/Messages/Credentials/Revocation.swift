/// A revocation credential, kept as its exact bytes; only the fields needed to file it are read out.
///
/// | size | field |
/// |---|---|
/// | 4 | unused |
/// | 4 | revocation id |
/// | 8 | network ID |
/// | 4 | unused |
/// | 4 | id of the revoked credential |
/// | 8 | threshold (credentials issued before it are revoked) |
/// | 8 | flags |
/// | 5 | target address |
/// | 5 | signed by |
/// | 1 | type of the revoked credential |
/// | 1 + 2 + n | signature: type, length, bytes (type 1 = C25519, length 96) |
/// | 2 + n | extension length and bytes |
public struct Revocation: Hashable, Sendable {
    public let bytes: [UInt8]
    public let id: UInt32
    public let networkID: NetworkID
    public let credentialID: UInt32
    public let threshold: UInt64
    public let target: Address
    public let credentialType: UInt8

    public init(from reader: inout ByteReader) throws(DecodingError) {
        let start = reader.offset
        try reader.skip(4)
        id = try reader.readUInt32()
        networkID = try reader.readNetworkID()
        try reader.skip(4)
        credentialID = try reader.readUInt32()
        threshold = try reader.readUInt64()
        try reader.skip(8)  // flags
        target = try reader.readAddress()
        try reader.skip(Address.byteCount)  // signer
        credentialType = try reader.readUInt8()
        try reader.skipCredentialSignature()
        try reader.skipCredentialExtension()
        bytes = reader.consumed(since: start)
    }

    public func encode(to writer: inout ByteWriter) { writer.write(bytes) }
}
