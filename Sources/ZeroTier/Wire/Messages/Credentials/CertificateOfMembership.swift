/// A certificate of network membership (COM), parsed for its layout only: checking the signature and
/// comparing two certificates belong to the network layer.
///
/// | size | field |
/// |---|---|
/// | 1 | format, always 1 |
/// | 2 | qualifier count (at most 8) |
/// | 24 each | qualifier: id (BE u64), value (BE u64), max delta (BE u64); ids never decrease |
/// | 5 | signer address, all zero if unsigned |
/// | 96 | C25519 signature by the signer (absent if unsigned) |
///
/// Controllers issue seven qualifiers: 0 timestamp (max delta = the network's credential time max delta),
/// 1 network ID (max delta 0), 2 member address (max delta all ones), 3–6 the first 32 bytes of
/// SHA-384(member address ‖ public key) as four u64 (max delta all ones).
public struct CertificateOfMembership: Hashable, Sendable {
    public struct Qualifier: Hashable, Sendable {
        public var id: UInt64
        public var value: UInt64
        public var maxDelta: UInt64

        public init(id: UInt64, value: UInt64, maxDelta: UInt64) {
            self.id = id
            self.value = value
            self.maxDelta = maxDelta
        }
    }

    /// Well-known qualifier ids.
    public enum QualifierID {
        public static let timestamp: UInt64 = 0
        public static let networkID: UInt64 = 1
        public static let issuedTo: UInt64 = 2
    }

    public static let format: UInt8 = 1
    public static let maxQualifiers = 8
    public static let signatureByteCount = 96

    public var qualifiers: [Qualifier]
    /// The signer (the network's controller); nil for an unsigned certificate.
    public var signer: Address?
    /// 96 bytes when `signer` is set, empty otherwise.
    public var signature: [UInt8]

    public init(qualifiers: [Qualifier], signer: Address?, signature: [UInt8]) {
        precondition(qualifiers.count <= Self.maxQualifiers, "a COM has at most \(Self.maxQualifiers) qualifiers")
        precondition(signer == nil ? signature.isEmpty : signature.count == Self.signatureByteCount,
                     "a signed COM carries a 96-byte signature, an unsigned one none")
        self.qualifiers = qualifiers
        self.signer = signer
        self.signature = signature
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        let format = try reader.readUInt8()
        guard format == Self.format else { throw .invalid("certificate of membership format \(format)") }
        let count = Int(try reader.readUInt16())
        guard count <= Self.maxQualifiers else { throw .invalid("certificate of membership with \(count) qualifiers") }
        var qualifiers = [Qualifier]()
        for _ in 0..<count {
            let id = try reader.readUInt64()
            guard id >= (qualifiers.last?.id ?? 0) else { throw .invalid("certificate of membership qualifiers out of order") }
            let value = try reader.readUInt64()
            qualifiers.append(Qualifier(id: id, value: value, maxDelta: try reader.readUInt64()))
        }
        self.qualifiers = qualifiers
        let signer = try reader.readAddress()
        if signer.rawValue == 0 {
            self.signer = nil
            signature = []
        } else {
            self.signer = signer
            signature = try reader.readBytes(Self.signatureByteCount)
        }
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(Self.format)
        writer.write(UInt16(qualifiers.count))
        for qualifier in qualifiers {
            writer.write(qualifier.id)
            writer.write(qualifier.value)
            writer.write(qualifier.maxDelta)
        }
        if let signer {
            writer.write(signer)
            writer.write(signature)
        } else {
            writer.writeBigEndian(0, width: Address.byteCount)
        }
    }

    /// What the signature covers: every qualifier as three big-endian u64.
    public var signedBytes: [UInt8] {
        var writer = ByteWriter(capacity: qualifiers.count * 24)
        for qualifier in qualifiers {
            writer.write(qualifier.id)
            writer.write(qualifier.value)
            writer.write(qualifier.maxDelta)
        }
        return writer.bytes
    }

    public func qualifier(_ id: UInt64) -> Qualifier? { qualifiers.first { $0.id == id } }

    public var timestamp: UInt64? { qualifier(QualifierID.timestamp)?.value }
    public var networkID: NetworkID? { qualifier(QualifierID.networkID).map { NetworkID(rawValue: $0.value) } }
    public var issuedTo: Address? { qualifier(QualifierID.issuedTo).flatMap { Address(rawValue: $0.value) } }
}
