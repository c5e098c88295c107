/// HELLO (verb 0x01): a node announcing itself and its identity. Sent with cipher suite 0 (authenticated,
/// not encrypted) because the receiver may not know the sender's key yet.
///
/// | size | field |
/// |---|---|
/// | 1 | protocol version |
/// | 4 | software version: major, minor, revision (u16) |
/// | 8 | timestamp (ms), echoed by OK(HELLO) to measure latency |
/// | 71 | sender's identity in binary form (`Identity.init(from:)`) |
/// | 1/7/19 | the physical address the packet was sent to (`InetEndpoint`) |
/// | 8 | ID of the sender's planet |
/// | 8 | timestamp of that planet |
/// | rest | encrypted tail: the moon list (`Moon.decodeList`), enciphered with `PacketArmor.cryptField` |
///
/// Everything after the identity is optional on the wire (older nodes stop early); ZeroTier reads the
/// planet only if all 16 bytes are there, and treats whatever follows as the encrypted tail. The tail is
/// kept here exactly as received: the node deciphers it (or enciphers a fresh one) with the peer key.
/// Re-encoding is byte-exact except for destination address types ZeroTier itself skips (0x01–0x03), which
/// come back as nil and are re-encoded as `0x00`.
public struct HelloMessage: WireMessage {
    public static let verb = Verb.hello

    /// A world named in HELLO: its ID and the timestamp of the copy the sender has.
    public struct WorldStamp: Hashable, Sendable {
        public var id: UInt64
        public var timestamp: UInt64

        public init(id: UInt64, timestamp: UInt64) {
            self.id = id
            self.timestamp = timestamp
        }
    }

    /// One entry of the moon list in the deciphered tail: a world type byte (127 = moon; ZeroTier skips
    /// entries of other types), world ID and timestamp. The list is a BE u16 count, then the entries.
    public struct Moon: Hashable, Sendable {
        public var type: UInt8
        public var world: WorldStamp

        public init(type: UInt8 = World.Kind.moon.rawValue, world: WorldStamp) {
            self.type = type
            self.world = world
        }

        /// Parses a deciphered tail; bytes after the list are ignored, as ZeroTier does.
        public static func decodeList(_ tail: [UInt8]) throws(DecodingError) -> [Moon] {
            var reader = ByteReader(tail)
            let count = Int(try reader.readUInt16())
            guard count * 17 <= reader.remaining else { throw .truncated(needed: count * 17, remaining: reader.remaining) }
            var moons = [Moon]()
            for _ in 0..<count {
                let type = try reader.readUInt8()
                let id = try reader.readUInt64()
                moons.append(Moon(type: type, world: WorldStamp(id: id, timestamp: try reader.readUInt64())))
            }
            return moons
        }

        /// The plaintext tail for `moons` (to be enciphered before sending).
        public static func encodeList(_ moons: [Moon]) -> [UInt8] {
            var writer = ByteWriter(capacity: 2 + moons.count * 17)
            writer.write(UInt16(moons.count))
            for moon in moons {
                writer.write(moon.type)
                writer.write(moon.world.id)
                writer.write(moon.world.timestamp)
            }
            return writer.bytes
        }
    }

    public var protocolVersion: UInt8
    public var version: SoftwareVersion
    public var timestamp: UInt64
    public var identity: Identity
    /// Where the sender sent the packet (how the receiver looks from outside). nil encodes as `0x00`.
    public var destination: InetEndpoint?
    /// The sender's planet; nil when the sender left it out (then no tail follows either, normally).
    public var planet: WorldStamp?
    /// The still-enciphered tail, byte for byte as on the wire.
    public var encryptedTail: [UInt8]

    public init(protocolVersion: UInt8 = ProtocolLimits.protocolVersion, version: SoftwareVersion, timestamp: UInt64,
                identity: Identity, destination: InetEndpoint?, planet: WorldStamp?, encryptedTail: [UInt8] = []) {
        self.protocolVersion = protocolVersion
        self.version = version
        self.timestamp = timestamp
        self.identity = identity.publicOnly
        self.destination = destination
        self.planet = planet
        self.encryptedTail = encryptedTail
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        protocolVersion = try reader.readUInt8()
        version = try reader.readSoftwareVersion()
        timestamp = try reader.readUInt64()
        identity = try Identity(from: &reader)
        destination = reader.isAtEnd ? nil : try reader.readInetEndpoint()
        if reader.remaining >= 16 {
            let id = try reader.readUInt64()
            planet = WorldStamp(id: id, timestamp: try reader.readUInt64())
        } else {
            planet = nil
        }
        encryptedTail = reader.readRest()
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(protocolVersion)
        writer.write(version)
        writer.write(timestamp)
        identity.encode(to: &writer)
        writer.write(destination)
        if let planet {
            writer.write(planet.id)
            writer.write(planet.timestamp)
        }
        writer.write(encryptedTail)
    }

    /// Where the encrypted tail starts within the payload: the range to hand `PacketArmor.cryptField` is
    /// `(PacketHeader.size + encryptedTailOffset)..<packet length`.
    public var encryptedTailOffset: Int {
        1 + 4 + 8 + Identity.binaryPublicByteCount + InetEndpoint.encodedSize(destination) + (planet == nil ? 0 : 16)
    }
}
