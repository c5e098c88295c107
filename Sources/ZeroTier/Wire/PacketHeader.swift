/// The first 28 bytes of every unfragmented packet or fragmented packet head:
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | packet ID (also the IV; for AES-GMAC-SIV the armored tag half) |
/// | 8 | 5 | destination address |
/// | 13 | 5 | source address |
/// | 18 | 1 | flags, cipher suite, hops (`PacketFlags`) |
/// | 19 | 8 | MAC (or trusted path ID) |
/// | 27 | 1 | verb byte: verb number in the low 5 bits, `0x80` = payload LZ4-compressed |
///
/// The verb byte is inside the encryption envelope: for cipher suites 1 and 3 it is ciphertext until the
/// packet is dearmored, so `verb` and `isCompressed` mean something only for cleartext (suite 0) or
/// dearmored packets.
public struct PacketHeader: Hashable, Sendable {
    public static let size = 28
    /// Offset of the verb byte; the encryption envelope starts here.
    public static let verbOffset = 27

    public var packetID: UInt64
    public var destination: Address
    public var source: Address
    public var flags: PacketFlags
    public var mac: UInt64
    public var verbByte: UInt8

    public init(packetID: UInt64, destination: Address, source: Address, flags: PacketFlags, mac: UInt64 = 0, verbByte: UInt8) {
        self.packetID = packetID
        self.destination = destination
        self.source = source
        self.flags = flags
        self.mac = mac
        self.verbByte = verbByte
    }

    public init(packetID: UInt64, destination: Address, source: Address, cipher: CipherSuite, verb: Verb) {
        self.init(packetID: packetID, destination: destination, source: source, flags: PacketFlags(cipher: cipher), verbByte: verb.rawValue)
    }

    /// The verb, or nil for a number no verb has (or a still-encrypted verb byte).
    public var verb: Verb? { Verb(rawValue: verbByte & Verb.mask) }

    static let compressedBit: UInt8 = 0x80

    /// Whether the payload after the verb byte is a raw LZ4 block.
    public var isCompressed: Bool {
        get { verbByte & Self.compressedBit != 0 }
        set { verbByte = newValue ? verbByte | Self.compressedBit : verbByte & ~Self.compressedBit }
    }

    /// The header at the start of a packet's wire bytes (at least `size` of them).
    public init(wire bytes: [UInt8]) {
        precondition(bytes.count >= Self.size, "a packet header is \(Self.size) bytes")
        var reader = ByteReader(bytes)
        try! self.init(from: &reader)  // cannot run short: the size is checked above
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        packetID = try reader.readUInt64()
        destination = try reader.readAddress()
        source = try reader.readAddress()
        flags = PacketFlags(rawValue: try reader.readUInt8())
        mac = try reader.readUInt64()
        verbByte = try reader.readUInt8()
    }

    public func write(to writer: inout ByteWriter) {
        writer.write(packetID)
        writer.write(destination)
        writer.write(source)
        writer.write(flags.rawValue)
        writer.write(mac)
        writer.write(verbByte)
    }
}
