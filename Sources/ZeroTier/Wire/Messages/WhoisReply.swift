/// The body of OK(WHOIS): one or more identities in binary form (`Identity.init(from:)`), back to back.
///
/// ZeroTier 1.14 reads only the first identity; the rest are read here while they decode, and anything
/// after the last whole identity is ignored. At least one identity is required.
public struct WhoisReply: Hashable, Sendable {
    public var identities: [Identity]

    public init(identities: [Identity]) {
        precondition(!identities.isEmpty, "OK(WHOIS) carries at least one identity")
        self.identities = identities.map(\.publicOnly)
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        var identities = [try Identity(from: &reader)]
        while reader.remaining >= Identity.binaryPublicByteCount {
            let start = reader
            guard let identity = try? Identity(from: &reader) else {
                reader = start
                break
            }
            identities.append(identity)
        }
        _ = reader.readRest()
        self.identities = identities
    }

    public func encode(to writer: inout ByteWriter) {
        for identity in identities { identity.encode(to: &writer) }
    }
}
