/// NETWORK_CREDENTIALS (verb 0x0a): a member pushing its credentials to a peer (or root) so that the peer
/// lets its frames and multicast queries through.
///
/// | size | field |
/// |---|---|
/// | var | certificates of membership, back to back (each starts with its format byte 1) |
/// | 1 | 0: end of the certificates |
/// | 2 + var | number of capabilities, then that many `Capability` |
/// | 2 + var | number of tags, then that many `Tag` |
/// | 2 + var | number of revocations, then that many `Revocation` |
/// | 2 + var | number of certificates of ownership, then that many `CertificateOfOwnership` |
///
/// Old senders stop after the certificates of membership (even without the 0) or after any later section;
/// missing sections decode as empty. The encoder always writes all of them, as ZeroTier 1.14 does, so a
/// message cut short that way does not re-encode byte for byte. Bytes after the last section are ignored.
public struct NetworkCredentialsMessage: WireMessage {
    public static let verb = Verb.networkCredentials

    public var certificatesOfMembership: [CertificateOfMembership]
    public var capabilities: [Capability]
    public var tags: [Tag]
    public var revocations: [Revocation]
    public var certificatesOfOwnership: [CertificateOfOwnership]

    public init(certificatesOfMembership: [CertificateOfMembership], capabilities: [Capability] = [], tags: [Tag] = [],
                revocations: [Revocation] = [], certificatesOfOwnership: [CertificateOfOwnership] = []) {
        self.certificatesOfMembership = certificatesOfMembership
        self.capabilities = capabilities
        self.tags = tags
        self.revocations = revocations
        self.certificatesOfOwnership = certificatesOfOwnership
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        var certificates = [CertificateOfMembership]()
        while !reader.isAtEnd, reader.bytes[reader.offset] != 0 {
            certificates.append(try CertificateOfMembership(from: &reader))
        }
        certificatesOfMembership = certificates
        if !reader.isAtEnd { try reader.skip(1) }  // the 0 that ends them

        capabilities = try Self.readSection(&reader)
        tags = try Self.readSection(&reader)
        revocations = try Self.readSection(&reader)
        certificatesOfOwnership = try Self.readSection(&reader)
    }

    /// A BE u16 count and that many credentials; an absent section (end of payload) is empty.
    private static func readSection<Credential: SerializedCredential>(_ reader: inout ByteReader) throws(DecodingError) -> [Credential] {
        guard !reader.isAtEnd else { return [] }
        let count = Int(try reader.readUInt16())
        var credentials = [Credential]()
        for _ in 0..<count {
            credentials.append(try Credential(from: &reader))
        }
        return credentials
    }

    private static func writeSection<Credential: SerializedCredential>(_ credentials: [Credential], to writer: inout ByteWriter) {
        writer.write(UInt16(credentials.count))
        for credential in credentials { credential.encode(to: &writer) }
    }

    public func encode(to writer: inout ByteWriter) {
        for certificate in certificatesOfMembership { certificate.encode(to: &writer) }
        writer.write(UInt8(0))
        Self.writeSection(capabilities, to: &writer)
        Self.writeSection(tags, to: &writer)
        Self.writeSection(revocations, to: &writer)
        Self.writeSection(certificatesOfOwnership, to: &writer)
    }
}
