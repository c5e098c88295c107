/// The binary form of a public identity, as HELLO and OK(WHOIS) carry it:
///
/// | size | field |
/// |---|---|
/// | 5 | address |
/// | 1 | key type, 0 = C25519 (the only one) |
/// | 64 | public key: X25519 ‖ Ed25519 |
/// | 1 | private key length, 0 on the wire |
extension Identity {
    public static let binaryPublicByteCount = Address.byteCount + 1 + C25519.publicKeyByteCount + 1

    /// Reads one binary identity. ZeroTier would also accept a 64-byte private key after the public one;
    /// a secret has no business on the wire, so here that throws, like any other key type or length.
    /// A reserved address throws as well. The address derivation is not checked (`validate()` does that).
    public init(from reader: inout ByteReader) throws(DecodingError) {
        let address = try reader.readAddress()
        let type = try reader.readUInt8()
        guard type == 0 else { throw .invalid("identity key type \(type)") }
        let publicKey = try reader.readBytes(C25519.publicKeyByteCount)
        let privateKeyLength = try reader.readUInt8()
        guard privateKeyLength == 0 else { throw .invalid("identity carrying a \(privateKeyLength)-byte private key") }
        do {
            try self.init(address: address, publicKey: publicKey)
        } catch {
            throw .invalid("identity: \(error)")
        }
    }

    /// Writes the public binary form (never the secret).
    public func encode(to writer: inout ByteWriter) {
        writer.write(address)
        writer.write(UInt8(0))
        writer.write(publicKey)
        writer.write(UInt8(0))
    }
}
