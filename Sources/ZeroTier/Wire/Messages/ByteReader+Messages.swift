// Small reading helpers the message codecs share.

extension ByteReader {
    mutating func readNetworkID() throws(DecodingError) -> NetworkID {
        NetworkID(rawValue: try readUInt64())
    }

    mutating func readMAC() throws(DecodingError) -> MAC {
        MAC(rawValue: try readBigEndian(width: 6))!
    }

    /// The bytes consumed since `start` (an earlier `offset`): how raw-blob types keep their exact encoding.
    func consumed(since start: Int) -> [UInt8] {
        Array(bytes[start..<offset])
    }

    /// Reads a ZeroTier verb number (in-re verb of OK and ERROR); unassigned numbers throw.
    mutating func readVerb() throws(DecodingError) -> Verb {
        let byte = try readUInt8()
        guard let verb = Verb(rawValue: byte) else { throw .invalid("verb 0x\(Hex.encode([byte]))") }
        return verb
    }
}

extension ByteWriter {
    mutating func write(_ network: NetworkID) { write(network.rawValue) }
    mutating func write(_ mac: MAC) { writeBigEndian(mac.rawValue, width: 6) }
}
