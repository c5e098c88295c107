/// The body of OK(HELLO), after the in-re verb and packet ID.
///
/// | size | field |
/// |---|---|
/// | 8 | the HELLO's timestamp, echoed |
/// | 1 | responder's protocol version |
/// | 4 | responder's software version: major, minor, revision (u16) |
/// | 1/7/19 | the physical address the HELLO came from, as the responder saw it (`InetEndpoint`) |
/// | rest | BE u16 length of world updates, then that many bytes of serialized worlds (newer planet/moons) |
///
/// Everything after the version is optional on the wire; `rest` keeps the world-update part as is.
public struct HelloReply: Hashable, Sendable {
    public var timestamp: UInt64
    public var protocolVersion: UInt8
    public var version: SoftwareVersion
    /// The sender's external address as the responder saw it. nil encodes as `0x00`.
    public var observedAddress: InetEndpoint?
    /// The world-update section and anything after it, raw. 1.14 sends `0000` (no update).
    public var rest: [UInt8]

    public init(timestamp: UInt64, protocolVersion: UInt8 = ProtocolLimits.protocolVersion, version: SoftwareVersion,
                observedAddress: InetEndpoint?, worldUpdates: [World] = []) {
        self.timestamp = timestamp
        self.protocolVersion = protocolVersion
        self.version = version
        self.observedAddress = observedAddress
        let worlds = worldUpdates.flatMap { $0.encoded() }
        var writer = ByteWriter(capacity: 2 + worlds.count)
        precondition(worlds.count <= Int(UInt16.max), "world updates exceed 65535 bytes")
        writer.write(UInt16(worlds.count))
        writer.write(worlds)
        rest = writer.bytes
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        timestamp = try reader.readUInt64()
        protocolVersion = try reader.readUInt8()
        version = try reader.readSoftwareVersion()
        observedAddress = reader.isAtEnd ? nil : try reader.readInetEndpoint()
        rest = reader.readRest()
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(timestamp)
        writer.write(protocolVersion)
        writer.write(version)
        writer.write(observedAddress)
        writer.write(rest)
    }

    /// The worlds in the update section (empty when there is none). Throws if the section is cut short or a
    /// world in it does not decode.
    public func worldUpdates() throws(DecodingError) -> [World] {
        var reader = ByteReader(rest)
        guard reader.remaining >= 2 else { return [] }
        let length = Int(try reader.readUInt16())
        var section = ByteReader(try reader.readBytes(length))
        var worlds = [World]()
        while !section.isAtEnd {
            worlds.append(try World(from: &section))
        }
        return worlds
    }
}
