/// WHOIS (verb 0x04): asks (normally a root) for the identities behind one or more addresses.
///
/// Payload: 5-byte addresses back to back. As in ZeroTier, fewer than 5 bytes left over at the end are
/// ignored. The answer is OK(WHOIS) (`WhoisReply`); unknown addresses get no answer at all.
public struct WhoisMessage: WireMessage {
    public static let verb = Verb.whois

    public var addresses: [Address]

    public init(addresses: [Address]) {
        self.addresses = addresses
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        var addresses = [Address]()
        while reader.remaining >= Address.byteCount {
            addresses.append(try reader.readAddress())
        }
        _ = reader.readRest()
        self.addresses = addresses
    }

    public func encode(to writer: inout ByteWriter) {
        for address in addresses { writer.write(address) }
    }
}
