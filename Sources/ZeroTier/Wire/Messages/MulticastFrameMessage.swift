/// MULTICAST_FRAME (verb 0x0e): an Ethernet frame sent to a multicast group.
///
/// | size | field |
/// |---|---|
/// | 8 | network ID |
/// | 1 | flags: 0x01 COM attached (deprecated), 0x02 gather limit present, 0x04 source MAC present, 0x08 replicate |
/// | var | certificate of membership, if 0x01 |
/// | 4 | gather limit, if 0x02: the receiver answers OK(MULTICAST_FRAME) with up to that many group members |
/// | 6 | source MAC, if 0x04 (otherwise derived from the sender's address) |
/// | 6 | destination (group) MAC |
/// | 4 | group ADI |
/// | 2 | ethertype |
/// | rest | frame payload |
///
/// Flags 0x01, 0x02 and 0x04 follow `certificate`, `gatherLimit` and `sourceMAC` when encoding.
public struct MulticastFrameMessage: WireMessage {
    public static let verb = Verb.multicastFrame

    public static let certificateFlag: UInt8 = 0x01
    public static let gatherLimitFlag: UInt8 = 0x02
    public static let sourceMACFlag: UInt8 = 0x04
    public static let replicateFlag: UInt8 = 0x08

    public var network: NetworkID
    public var flags: UInt8
    public var certificate: CertificateOfMembership?
    public var gatherLimit: UInt32?
    public var sourceMAC: MAC?
    public var group: MulticastGroup
    public var etherType: UInt16
    public var payload: [UInt8]

    public init(network: NetworkID, flags: UInt8 = 0, certificate: CertificateOfMembership? = nil, gatherLimit: UInt32? = nil,
                sourceMAC: MAC? = nil, group: MulticastGroup, etherType: UInt16, payload: [UInt8]) {
        self.network = network
        self.flags = flags
        self.certificate = certificate
        self.gatherLimit = gatherLimit
        self.sourceMAC = sourceMAC
        self.group = group
        self.etherType = etherType
        self.payload = payload
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        network = try reader.readNetworkID()
        flags = try reader.readUInt8()
        certificate = flags & Self.certificateFlag != 0 ? try CertificateOfMembership(from: &reader) : nil
        gatherLimit = flags & Self.gatherLimitFlag != 0 ? try reader.readUInt32() : nil
        sourceMAC = flags & Self.sourceMACFlag != 0 ? try reader.readMAC() : nil
        group = try reader.readMulticastGroup()
        etherType = try reader.readUInt16()
        payload = reader.readRest()
    }

    public func encode(to writer: inout ByteWriter) {
        var flags = self.flags & ~(Self.certificateFlag | Self.gatherLimitFlag | Self.sourceMACFlag)
        if certificate != nil { flags |= Self.certificateFlag }
        if gatherLimit != nil { flags |= Self.gatherLimitFlag }
        if sourceMAC != nil { flags |= Self.sourceMACFlag }
        writer.write(network)
        writer.write(flags)
        certificate?.encode(to: &writer)
        if let gatherLimit { writer.write(gatherLimit) }
        if let sourceMAC { writer.write(sourceMAC) }
        writer.write(group)
        writer.write(etherType)
        writer.write(payload)
    }
}
