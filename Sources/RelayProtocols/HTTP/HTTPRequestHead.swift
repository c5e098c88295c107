/// A request line and its header fields, up to the empty line (RFC 9112 §2–5). Bounded: a head that does not
/// end within `maximumBytes` is refused, not waited for.
public struct HTTPRequestHead: Equatable, Sendable {
    public var method: String
    public var target: String
    /// "HTTP/1.1"
    public var version: String
    public var fields: [(name: String, value: String)]

    public static let maximumBytes = 32 * 1024
    public static let maximumFields = 100

    public init(method: String, target: String, version: String = "HTTP/1.1", fields: [(name: String, value: String)] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.fields = fields
    }

    public static func == (a: HTTPRequestHead, b: HTTPRequestHead) -> Bool {
        a.method == b.method && a.target == b.target && a.version == b.version
            && a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
    }

    /// The first value of a field (names compare without case).
    public func value(of name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public static func decode(_ bytes: some RandomAccessCollection<UInt8>) throws(HTTPHeadError) -> Decoded<HTTPRequestHead> {
        let window = Array(bytes.prefix(maximumBytes))
        // Lines end with CRLF; a bare LF is accepted, as RFC 9112 §2.2 allows.
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = 0
        var end: Int?
        for index in window.indices where window[index] == 0x0a {
            var line = window[lineStart..<index]
            if line.last == 0x0d { line = line.dropLast() }
            lineStart = index + 1
            // Empty lines before the request line are ignored (RFC 9112 §2.2).
            if line.isEmpty {
                if lines.isEmpty { continue }
                end = index + 1
                break
            }
            lines.append(line)
            guard lines.count <= maximumFields + 1 else { throw .tooLarge }
        }
        guard let end else {
            if bytes.count >= maximumBytes { throw .tooLarge }
            return .incomplete
        }
        let head = try parse(lines)
        return .complete(head, consumed: end)
    }

    private static func parse(_ lines: [ArraySlice<UInt8>]) throws(HTTPHeadError) -> HTTPRequestHead {
        let requestLine = lines[0].split(separator: 0x20, omittingEmptySubsequences: false)
        guard requestLine.count == 3 else { throw .malformed("request line is not METHOD TARGET VERSION") }
        let method = String(decoding: requestLine[0], as: UTF8.self)
        guard !method.isEmpty, requestLine[0].allSatisfy(isTokenByte) else { throw .malformed("method is not a token") }
        guard !requestLine[1].isEmpty, requestLine[1].allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw .malformed("request target has spaces or unprintable bytes")
        }
        let version = String(decoding: requestLine[2], as: UTF8.self)
        guard version.hasPrefix("HTTP/"), version.utf8.count == 8, Array(version.utf8)[6] == UInt8(ascii: ".") else {
            throw .malformed("version '\(version.prefix(16))' is not HTTP/x.y")
        }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .versionNotSupported(version) }
        var fields: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            // obs-fold (a line starting with space) is refused, as RFC 9112 §5.2 lets a proxy do.
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                  line[..<colon].allSatisfy(isTokenByte) else { throw .malformed("header line is not NAME: VALUE") }
            let value = line[(colon + 1)...].drop { $0 == 0x20 || $0 == 0x09 }
            var trimmed = value
            while let last = trimmed.last, last == 0x20 || last == 0x09 { trimmed = trimmed.dropLast() }
            guard trimmed.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7f) }) else {
                throw .malformed("header value with control bytes")
            }
            fields.append((String(decoding: line[..<colon], as: UTF8.self), String(decoding: trimmed, as: UTF8.self)))
        }
        return HTTPRequestHead(method: method, target: String(decoding: requestLine[1], as: UTF8.self), version: version, fields: fields)
    }

    /// tchar of RFC 9110 §5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    public var bytes: [UInt8] {
        var text = "\(method) \(target) \(version)\r\n"
        for field in fields { text += "\(field.name): \(field.value)\r\n" }
        return Array((text + "\r\n").utf8)
    }
}

public enum HTTPHeadError: Error, Equatable, Sendable {
    case malformed(String)
    case tooLarge
    case versionNotSupported(String)

    public var status: HTTPStatus {
        switch self {
        case .malformed: .badRequest
        case .tooLarge: .headersTooLarge
        case .versionNotSupported: .versionNotSupported
        }
    }
}
