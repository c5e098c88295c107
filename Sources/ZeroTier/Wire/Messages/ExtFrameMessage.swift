/// EXT_FRAME (verb 0x07): an Ethernet frame with explicit MACs (bridged, redirected or observed traffic).
///
/// | size | field |
/// |---|---|
/// | 8 | network ID |
/// | 1 | flags: 0x01 COM attached (deprecated), 0x02/0x04/0x08 subtype bits, 0x10 OK(EXT_FRAME) wanted |
/// | var | certificate of membership, if flag 0x01 |
/// | 6 | destination MAC |
/// | 6 | source MAC |
/// | 2 | ethertype |
/// | rest | frame payload |
///
/// Flag 0x01 follows `certificate` when encoding.
public struct ExtFrameMessage: WireMessage {
    public static let verb = Verb.extFrame

    public static let certificateFlag: UInt8 = 0x01
    public static let ackRequestedFlag: UInt8 = 0x10

    public var network: NetworkID
    public var flags: UInt8
    public var certificate: CertificateOfMembership?
    public var destinationMAC: MAC
    public var sourceMAC: MAC
    public var etherType: UInt16
    public var payload: [UInt8]

    public init(network: NetworkID, flags: UInt8 = 0, certificate: CertificateOfMembership? = nil,
                destinationMAC: MAC, sourceMAC: MAC, etherType: UInt16, payload: [UInt8]) {
        self.network = network
        self.flags = flags
        self.certificate = certificate
        self.destinationMAC = destinationMAC
        self.sourceMAC = sourceMAC
        self.etherType = etherType
        self.payload = payload
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        network = try reader.readNetworkID()
        flags = try reader.readUInt8()
        certificate = flags & Self.certificateFlag != 0 ? try CertificateOfMembership(from: &reader) : nil
        destinationMAC = try reader.readMAC()
        sourceMAC = try reader.readMAC()
        etherType = try reader.readUInt16()
        payload = reader.readRest()
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(network)
        writer.write(flags & ~Self.certificateFlag | (certificate == nil ? 0 : Self.certificateFlag))
        certificate?.encode(to: &writer)
        writer.write(destinationMAC)
        writer.write(sourceMAC)
        writer.write(etherType)
        writer.write(payload)
    }
}
