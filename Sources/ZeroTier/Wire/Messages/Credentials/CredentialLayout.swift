// Pieces shared by the layouts of capabilities, tags, revocations and certificates of ownership.

/// A credential as it travels: NETWORK_CREDENTIALS carries those other than the certificate of membership in
/// counted sections.
public protocol SerializedCredential {
    init(from reader: inout ByteReader) throws(DecodingError)
    func encode(to writer: inout ByteWriter)
}

extension CertificateOfMembership: SerializedCredential {}
extension Capability: SerializedCredential {}
extension Tag: SerializedCredential {}
extension Revocation: SerializedCredential {}
extension CertificateOfOwnership: SerializedCredential {}

extension ByteReader {
    /// Skips a credential signature: a type byte, then for type 1 (C25519) a BE u16 that must be 96 and the
    /// 96-byte signature; for any other type a BE u16 length and that many bytes.
    mutating func skipCredentialSignature() throws(DecodingError) {
        let type = try readUInt8()
        let length = Int(try readUInt16())
        if type == 1, length != CertificateOfMembership.signatureByteCount {
            throw .invalid("C25519 credential signature of \(length) bytes")
        }
        try skip(length)
    }

    /// Skips the trailing extension field every credential ends with: a BE u16 length and that many bytes.
    mutating func skipCredentialExtension() throws(DecodingError) {
        try skip(Int(try readUInt16()))
    }
}
