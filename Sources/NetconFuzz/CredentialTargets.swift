import ZeroTier

/// Credentials peers present (NETWORK_CREDENTIALS, MULTICAST_GATHER): each decoder on its own, then a
/// certificate the controller really signs, whose every changed byte must break the signature.
enum CredentialTargets {
    static func run(_ bytes: [UInt8]) {
        decodeEach(bytes)
        signedCertificate(bytes)
    }

    static func decodeEach(_ bytes: [UInt8]) {
        if let certificate: CertificateOfMembership = decoded(bytes) {
            _ = certificate.isSigned(by: FuzzFixtures.controller)
            _ = certificate.agrees(with: certificate, presentedBy: FuzzFixtures.m1)
        }
        if let revocation: Revocation = decoded(bytes) { _ = revocation.isSigned(by: FuzzFixtures.controller) }
        let _: Capability? = decoded(bytes)
        let _: Tag? = decoded(bytes)
        let _: CertificateOfOwnership? = decoded(bytes)
    }

    /// A credential decoded from the front of `bytes`, checked to re-encode to exactly what it consumed.
    static func decoded<Credential: SerializedCredential>(_ bytes: [UInt8]) -> Credential? {
        var reader = ByteReader(bytes)
        guard let credential = try? Credential(from: &reader) else { return nil }
        var writer = ByteWriter()
        credential.encode(to: &writer)
        FuzzCheck.require(writer.bytes == Array(bytes.prefix(reader.offset)), "\(Credential.self) re-encodes differently")
        return credential
    }

    /// The input chooses a certificate's timestamp and extra qualifiers and a byte to change; the controller
    /// signs it. The signed certificate must check; the changed one must not, unless it decodes to the same.
    static func signedCertificate(_ bytes: [UInt8]) {
        guard bytes.count >= 10 else { return }
        var reader = ByteReader(bytes)
        let timestamp = Int64(bitPattern: (try? reader.readUInt64()) ?? 0)
        let network = NetworkConfigTargets.network
        var certificate = CertificateOfMembership(issuedTo: FuzzFixtures.m1, network: network, timestamp: timestamp,
                                                  maxDelta: 7_200_000)
        var qualifiers = certificate.qualifiers
        while qualifiers.count < CertificateOfMembership.maxQualifiers, let id = try? reader.readUInt8(),
              let value = try? reader.readUInt64() {
            qualifiers.append(.init(id: 7 + UInt64(id), value: value, maxDelta: 0))
        }
        qualifiers.sort { $0.id < $1.id }
        certificate = CertificateOfMembership(qualifiers: qualifiers, signer: nil, signature: [])
        guard let signed = certificate.signed(by: FuzzFixtures.controller) else { FuzzCheck.fail("cannot sign") }
        FuzzCheck.require(signed.isSigned(by: FuzzFixtures.controller), "a signed certificate does not check")
        var writer = ByteWriter()
        signed.encode(to: &writer)
        var encoded = writer.bytes
        let again: CertificateOfMembership? = decoded(encoded)
        FuzzCheck.require(again == signed, "a signed certificate does not survive re-encoding")

        // Any byte before the signature (format, count, qualifiers, signer), changed.
        let signatureStart = encoded.count - CertificateOfMembership.signatureByteCount
        let position = Int(bytes[8]) * 256 % signatureStart + Int(bytes[9]) % signatureStart
        encoded[position % signatureStart] ^= bytes[9] | 1
        var changedReader = ByteReader(encoded)
        if let changed = try? CertificateOfMembership(from: &changedReader), changed != signed {
            FuzzCheck.require(!changed.isSigned(by: FuzzFixtures.controller), "a changed certificate still checks")
        }
    }
}
