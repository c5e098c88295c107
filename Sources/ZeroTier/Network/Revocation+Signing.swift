extension Revocation {
    /// ZeroTier's credential type number for certificates of membership (what a controller revokes).
    public static let membershipCertificateType: UInt8 = 1
    static let markers = [UInt8](repeating: 0x7f, count: 8)
    /// Offset of the signature-type byte: everything before it (and the trailing 2-byte extension length)
    /// is what the controller signs.
    static let signedPrefixLength = 51

    /// A controller's revocation of `target`'s certificates of membership on `network` up to `threshold`.
    public static func issue(network: NetworkID, target: Address, threshold: Int64, id: UInt32, signedBy controller: Identity) -> Revocation? {
        var body = ByteWriter(capacity: 160)
        body.write(UInt32(0))
        body.write(id)
        body.write(network.rawValue)
        body.write(UInt32(0))
        body.write(UInt32(0))  // credential ID: every COM of the target
        body.write(UInt64(max(0, threshold)))
        body.write(UInt64(0))  // flags
        body.write(target)
        body.write(controller.address)
        body.write(membershipCertificateType)
        guard let signature = controller.sign(markers + body.bytes + [0, 0] + markers) else { return nil }
        var wire = body
        wire.write(UInt8(1))
        wire.write(UInt16(signature.count))
        wire.write(signature)
        wire.write(UInt16(0))
        var reader = ByteReader(wire.bytes)
        return try? Revocation(from: &reader)
    }

    /// Whether `controller` signed this revocation (and says so in its signer field).
    public func isSigned(by controller: Identity) -> Bool {
        guard bytes.count >= Self.signedPrefixLength + 3 + 96,
              Address(bytes: bytes[45..<50]) == controller.address,
              bytes[Self.signedPrefixLength] == 1 else { return false }
        let length = Int(bytes[52]) << 8 | Int(bytes[53])
        guard length == 96, bytes.count >= 54 + length + 2 else { return false }
        let signature = Array(bytes[54..<54 + length])
        let signed = Self.markers + bytes[0..<Self.signedPrefixLength] + bytes[(54 + length)..<(54 + length + 2)] + Self.markers
        return controller.verify(Array(signed), signature: signature)
    }
}
