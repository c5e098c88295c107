import FoundationEssentials

/// The control socket's framing: each message is a 4-byte big-endian length, then a JSON envelope
/// `{"version": N, "body": …}`. The version lets a newer CLI talk to an older daemon and get a clear error.
public enum ControlCodec {
    public static let protocolVersion = 1
    /// Status replies grow with peers and networks; anything beyond this is a broken or hostile peer.
    public static let maximumFrameLength = 4 << 20

    struct VersionOnly: Codable { var version: Int }

    struct Envelope<Body: Codable>: Codable {
        var version: Int
        var body: Body
    }

    public enum CodecError: Error, Equatable, CustomStringConvertible {
        case frameTooLarge(Int)
        case unsupportedVersion(Int)
        case malformed(String)

        public var description: String {
            switch self {
            case let .frameTooLarge(length): "control message of \(length) bytes exceeds the \(maximumFrameLength)-byte limit"
            case let .unsupportedVersion(version): "control protocol version \(version) is not supported (this netcon speaks \(protocolVersion))"
            case let .malformed(why): "malformed control message: \(why)"
            }
        }
    }

    public static func encode<Body: Codable>(_ body: Body) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding our own value types cannot fail: they hold only strings, numbers and arrays.
        let json = try! encoder.encode(Envelope(version: protocolVersion, body: body))
        let length = UInt32(json.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + json
    }

    /// The length announced by a frame's 4-byte prefix.
    public static func frameLength(prefix: some Collection<UInt8>) throws(CodecError) -> Int {
        precondition(prefix.count == 4)
        let length = prefix.reduce(0) { $0 << 8 | Int($1) }
        guard length <= maximumFrameLength else { throw .frameTooLarge(length) }
        return length
    }

    public static func decode<Body: Codable>(_ type: Body.Type, body json: some Collection<UInt8>) throws(CodecError) -> Body {
        let data = Data(json)
        guard let header = try? JSONDecoder().decode(VersionOnly.self, from: data) else {
            throw .malformed("not a control envelope")
        }
        guard header.version == protocolVersion else { throw .unsupportedVersion(header.version) }
        do {
            return try JSONDecoder().decode(Envelope<Body>.self, from: data).body
        } catch {
            throw .malformed("\(error)")
        }
    }
}
