/// ERROR (verb 0x02): a request refused.
///
/// | size | field |
/// |---|---|
/// | 1 | in-re verb |
/// | 8 | in-re packet ID |
/// | 1 | error code (`ErrorCode`) |
/// | rest | code-specific payload (`Payload`) |
///
/// What ZeroTier 1.14 puts after the code: the network ID for OBJ_NOT_FOUND and UNSUPPORTED_OPERATION (in re
/// NETWORK_CONFIG_REQUEST), NEED_MEMBERSHIP_CERTIFICATE, NETWORK_ACCESS_DENIED and
/// NETWORK_AUTHENTICATION_REQUIRED, which a controller may follow with a BE u16 length and a Dictionary
/// (for authentication: URLs and SSO parameters); network ID and multicast group for UNWANTED_MULTICAST;
/// nothing for IDENTITY_COLLISION. A payload that does not fit its code's layout exactly is kept `.raw`, so
/// every ERROR re-encodes byte for byte. Unknown in-re verbs and unknown codes throw.
public struct ErrorMessage: WireMessage {
    public static let verb = Verb.error

    public enum Payload: Hashable, Sendable {
        case none
        /// A network ID, and the controller's optional error Dictionary (nil when absent).
        case network(NetworkID, details: [UInt8]?)
        case unwantedMulticast(NetworkID, MulticastGroup)
        case raw([UInt8])
    }

    public var inReVerb: Verb
    public var inRePacketID: UInt64
    public var code: ErrorCode
    public var payload: Payload

    public init(inReVerb: Verb, inRePacketID: UInt64, code: ErrorCode, payload: Payload) {
        if case let .network(_, details?) = payload { precondition(details.count <= Int(UInt16.max)) }
        self.inReVerb = inReVerb
        self.inRePacketID = inRePacketID
        self.code = code
        self.payload = payload
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        inReVerb = try reader.readVerb()
        inRePacketID = try reader.readUInt64()
        let codeByte = try reader.readUInt8()
        guard let code = ErrorCode(rawValue: codeByte) else { throw .invalid("error code \(codeByte)") }
        self.code = code
        let rest = reader.readRest()
        payload = Self.payload(rest, code: code) ?? .raw(rest)
    }

    /// The typed payload when `bytes` has exactly the layout `code` calls for, else nil.
    private static func payload(_ bytes: [UInt8], code: ErrorCode) -> Payload? {
        var reader = ByteReader(bytes)
        switch code {
        case .identityCollision:
            return bytes.isEmpty ? Payload.none : nil
        case .objectNotFound, .unsupportedOperation, .needMembershipCertificate, .networkAccessDenied,
             .networkAuthenticationRequired:
            guard let network = try? reader.readNetworkID() else { return nil }
            if reader.isAtEnd { return .network(network, details: nil) }
            guard let length = try? reader.readUInt16(), let details = try? reader.readBytes(Int(length)),
                  reader.isAtEnd else { return nil }
            return .network(network, details: details)
        case .unwantedMulticast:
            guard let network = try? reader.readNetworkID(), let group = try? reader.readMulticastGroup(),
                  reader.isAtEnd else { return nil }
            return .unwantedMulticast(network, group)
        default:
            return bytes.isEmpty ? Payload.none : nil
        }
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(inReVerb.rawValue)
        writer.write(inRePacketID)
        writer.write(code.rawValue)
        switch payload {
        case .none:
            break
        case let .network(network, details):
            writer.write(network)
            if let details {
                writer.write(UInt16(details.count))
                writer.write(details)
            }
        case let .unwantedMulticast(network, group):
            writer.write(network)
            writer.write(group)
        case let .raw(bytes):
            writer.write(bytes)
        }
    }

    /// The network the error is about, for the codes that name one.
    public var network: NetworkID? {
        switch payload {
        case let .network(network, _), let .unwantedMulticast(network, _): network
        case .none, .raw: nil
        }
    }
}
