/// MULTICAST_GATHER (verb 0x0d): asks for members of a multicast group; answered by OK(MULTICAST_GATHER)
/// (`MulticastGatherReply`).
///
/// | size | field |
/// |---|---|
/// | 8 | network ID |
/// | 1 | flags: 0x01 COM attached |
/// | 6 | group MAC |
/// | 4 | group ADI |
/// | 4 | most members wanted in the answer |
/// | var | certificate of membership, if flag 0x01 (lets a root that is not a member check the asker) |
///
/// Flag 0x01 follows `certificate` when encoding; bytes after the certificate are ignored.
public struct MulticastGatherMessage: WireMessage {
    public static let verb = Verb.multicastGather

    public static let certificateFlag: UInt8 = 0x01

    public var network: NetworkID
    public var flags: UInt8
    public var group: MulticastGroup
    public var gatherLimit: UInt32
    public var certificate: CertificateOfMembership?

    public init(network: NetworkID, flags: UInt8 = 0, group: MulticastGroup, gatherLimit: UInt32,
                certificate: CertificateOfMembership? = nil) {
        self.network = network
        self.flags = flags
        self.group = group
        self.gatherLimit = gatherLimit
        self.certificate = certificate
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        network = try reader.readNetworkID()
        flags = try reader.readUInt8()
        group = try reader.readMulticastGroup()
        gatherLimit = try reader.readUInt32()
        certificate = flags & Self.certificateFlag != 0 ? try CertificateOfMembership(from: &reader) : nil
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(network)
        writer.write(flags & ~Self.certificateFlag | (certificate == nil ? 0 : Self.certificateFlag))
        writer.write(group)
        writer.write(gatherLimit)
        certificate?.encode(to: &writer)
    }
}
