/// The body of OK(MULTICAST_FRAME), sent when the frame asked for gather results (its flag 0x02).
///
/// | size | field |
/// |---|---|
/// | 8 | network ID |
/// | 6 | group MAC |
/// | 4 | group ADI |
/// | 1 | flags: 0x01 COM attached (deprecated), 0x02 gather results attached |
/// | var | certificate of membership, if 0x01 |
/// | var | gather results, if 0x02 |
///
/// (ZeroTier's protocol notes name flag 0x01 for the gather results; its code, and the capture, use 0x02.)
/// Flags 0x01 and 0x02 follow `certificate` and `results` when encoding.
public struct MulticastFrameReply: Hashable, Sendable {
    public static let certificateFlag: UInt8 = 0x01
    public static let resultsFlag: UInt8 = 0x02

    public var network: NetworkID
    public var group: MulticastGroup
    public var flags: UInt8
    public var certificate: CertificateOfMembership?
    public var results: MulticastGatherResults?

    public init(network: NetworkID, group: MulticastGroup, flags: UInt8 = 0,
                certificate: CertificateOfMembership? = nil, results: MulticastGatherResults?) {
        self.network = network
        self.group = group
        self.flags = flags
        self.certificate = certificate
        self.results = results
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        network = try reader.readNetworkID()
        group = try reader.readMulticastGroup()
        flags = try reader.readUInt8()
        certificate = flags & Self.certificateFlag != 0 ? try CertificateOfMembership(from: &reader) : nil
        results = flags & Self.resultsFlag != 0 ? try MulticastGatherResults(from: &reader) : nil
    }

    public func encode(to writer: inout ByteWriter) {
        var flags = self.flags & ~(Self.certificateFlag | Self.resultsFlag)
        if certificate != nil { flags |= Self.certificateFlag }
        if results != nil { flags |= Self.resultsFlag }
        writer.write(network)
        writer.write(group)
        writer.write(flags)
        certificate?.encode(to: &writer)
        results?.encode(to: &writer)
    }
}
