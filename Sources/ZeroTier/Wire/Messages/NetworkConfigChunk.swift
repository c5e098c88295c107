/// One chunk of a network configuration Dictionary, the body of both OK(NETWORK_CONFIG_REQUEST) (after the
/// in-re fields) and NETWORK_CONFIG.
///
/// | size | field |
/// |---|---|
/// | 8 | network ID |
/// | 2 | chunk length |
/// | n | chunk: bytes `offset..<offset+n` of the serialized Dictionary |
/// | 1 | flags: 0x01 fast propagation (members forward the chunk to each other) |
/// | 8 | config update ID (the same for all chunks of one config, never 0) |
/// | 4 | total length of the Dictionary |
/// | 4 | offset of this chunk in it |
/// | 1 | signature type, 1 = C25519 |
/// | 2 | signature length, 96 |
/// | n | controller's signature over everything from the network ID to the offset (`signedBytes`) |
///
/// Old controllers ended the OK after the chunk (a whole, unsigned config; `update` is nil). Bytes after the
/// signature are ignored. ZeroTier drops chunks whose signature is not type 1 with 96 bytes; that check, and
/// the signature itself, belong to whoever assembles the config.
public struct NetworkConfigChunk: Hashable, Sendable {
    /// The chunking and signature fields that follow the chunk in current controllers.
    public struct Update: Hashable, Sendable {
        public var flags: UInt8
        public var id: UInt64
        public var totalLength: UInt32
        public var offset: UInt32
        public var signatureType: UInt8
        public var signature: [UInt8]

        public static let fastPropagationFlag: UInt8 = 0x01
        public static let c25519SignatureType: UInt8 = 1

        public init(flags: UInt8 = 0, id: UInt64, totalLength: UInt32, offset: UInt32,
                    signatureType: UInt8 = Update.c25519SignatureType, signature: [UInt8]) {
            precondition(signature.count <= Int(UInt16.max))
            self.flags = flags
            self.id = id
            self.totalLength = totalLength
            self.offset = offset
            self.signatureType = signatureType
            self.signature = signature
        }
    }

    public var network: NetworkID
    public var data: [UInt8]
    public var update: Update?

    public init(network: NetworkID, data: [UInt8], update: Update?) {
        precondition(data.count <= Int(UInt16.max))
        self.network = network
        self.data = data
        self.update = update
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        network = try reader.readNetworkID()
        data = try reader.readBytes(Int(try reader.readUInt16()))
        guard !reader.isAtEnd else {
            update = nil
            return
        }
        let flags = try reader.readUInt8()
        let id = try reader.readUInt64()
        let totalLength = try reader.readUInt32()
        let offset = try reader.readUInt32()
        let signatureType = try reader.readUInt8()
        let signature = try reader.readBytes(Int(try reader.readUInt16()))
        update = Update(flags: flags, id: id, totalLength: totalLength, offset: offset,
                        signatureType: signatureType, signature: signature)
    }

    public func encode(to writer: inout ByteWriter) {
        writeSignedPart(to: &writer)
        if let update {
            writer.write(update.signatureType)
            writer.write(UInt16(update.signature.count))
            writer.write(update.signature)
        }
    }

    /// What the controller signs: network ID through chunk offset.
    public var signedBytes: [UInt8] {
        var writer = ByteWriter(capacity: 27 + data.count)
        writeSignedPart(to: &writer)
        return writer.bytes
    }

    private func writeSignedPart(to writer: inout ByteWriter) {
        writer.write(network)
        writer.write(UInt16(data.count))
        writer.write(data)
        if let update {
            writer.write(update.flags)
            writer.write(update.id)
            writer.write(update.totalLength)
            writer.write(update.offset)
        }
    }
}
