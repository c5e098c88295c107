/// Issuing and checking certificates of membership: the controller makes one per member and config, the
/// member presents it to peers (NETWORK_CREDENTIALS, MULTICAST_GATHER) and peers check it against their own.
extension CertificateOfMembership {
    /// Qualifiers 3–6 hold the first 32 bytes of SHA-384(address ‖ public key) of the member.
    public static let identityHashQualifierIDs: ClosedRange<UInt64> = 3...6

    /// What ZeroTier's controller issues (unsigned until `signed(by:)`): 0 the timestamp, which may differ
    /// from a peer's by `maxDelta` (the config's credential time max delta); 1 the network ID, exact; 2 the
    /// member's address and 3–6 its identity hash, with a max delta of all ones (compared by identity, never
    /// against the other certificate).
    public init(issuedTo member: Identity, network: NetworkID, timestamp: Int64, maxDelta: Int64) {
        var qualifiers = [
            Qualifier(id: QualifierID.timestamp, value: UInt64(bitPattern: timestamp), maxDelta: UInt64(bitPattern: maxDelta)),
            Qualifier(id: QualifierID.networkID, value: network.rawValue, maxDelta: 0),
            Qualifier(id: QualifierID.issuedTo, value: member.address.rawValue, maxDelta: .max),
        ]
        for (id, value) in zip(Self.identityHashQualifierIDs, Self.identityHash(of: member)) {
            qualifiers.append(Qualifier(id: id, value: value, maxDelta: .max))
        }
        self.init(qualifiers: qualifiers, signer: nil, signature: [])
    }

    /// SHA-384(address 5 B ‖ public key 64 B), first 32 bytes, as four big-endian u64.
    public static func identityHash(of identity: Identity) -> [UInt64] {
        let digest = SHA384.hash(identity.address.bytes + identity.publicKey)
        return (0..<4).map { word in digest[word * 8..<word * 8 + 8].reduce(0) { $0 << 8 | UInt64($1) } }
    }

    /// This certificate signed by `controller` (nil if it holds no secret key).
    public func signed(by controller: Identity) -> CertificateOfMembership? {
        guard let signature = controller.sign(signedBytes) else { return nil }
        return CertificateOfMembership(qualifiers: qualifiers, signer: controller.address, signature: signature)
    }

    /// ZeroTier's check of a certificate: signed by `controller`, which must be the controller of the network
    /// the certificate names, with a valid signature over the qualifiers.
    public func isSigned(by controller: Identity) -> Bool {
        guard let signer, signer == controller.address, let networkID, networkID.controller == signer,
              qualifiers.count <= Self.maxQualifiers else { return false }
        return controller.verify(signedBytes, signature: signature)
    }
}
