import NetconRPC

/// What a request to the HTTP proxy asks for: a tunnel (CONNECT host:port) or a request to forward
/// (an absolute `http://` URI), with the head the destination gets.
public enum HTTPProxyRequest: Equatable, Sendable {
    case tunnel(ProxyDestination)
    /// `head` is the request in origin form, hop-by-hop fields removed, `Connection: close` added: one request per
    /// connection, the destination's close ending the response.
    case forward(ProxyDestination, head: HTTPRequestHead)

    /// Fields that concern one connection only (RFC 9110 §7.6.1), never passed on.
    static let hopByHop: Set<String> = ["connection", "keep-alive", "proxy-connection", "proxy-authorization",
                                         "proxy-authenticate", "te", "trailer", "upgrade"]

    public init(_ head: HTTPRequestHead) throws(HTTPProxyRequestError) {
        if head.method == "CONNECT" {
            self = .tunnel(try HTTPAuthority.parse(head.target, defaultPort: nil))
            return
        }
        let target = head.target
        guard let schemeEnd = target.firstRange(of: "://") else {
            throw target.hasPrefix("/") || target == "*"
                ? .notAProxyRequest : .malformed("request target '\(target.prefix(64))' is not an absolute URI")
        }
        let scheme = target[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" else { throw .unsupportedScheme(String(scheme.prefix(16))) }
        let rest = target[schemeEnd.upperBound...]
        let pathStart = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let destination = try HTTPAuthority.parse(rest[..<pathStart], defaultPort: 80)
        var path = String(rest[pathStart...])
        if let fragment = path.firstIndex(of: "#") { path = String(path[..<fragment]) }
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }

        // Fields named by Connection are hop-by-hop too.
        var dropped = Self.hopByHop
        for field in head.fields where field.name.lowercased() == "connection" {
            for name in field.value.split(separator: ",") { dropped.insert(name.trimmingSpaces.lowercased()) }
        }
        // The URI's authority wins over a Host field (RFC 9112 §3.2.2).
        dropped.insert("host")
        var fields = head.fields.filter { !dropped.contains($0.name.lowercased()) }
        fields.insert((name: "Host", value: String(rest[..<pathStart])), at: 0)
        fields.append((name: "Connection", value: "close"))
        self = .forward(destination, head: HTTPRequestHead(method: head.method, target: path, version: head.version, fields: fields))
    }

    /// The `Proxy-Authorization: Basic …` credentials, if the head carries them.
    public static func basicCredentials(_ head: HTTPRequestHead) -> (username: [UInt8], password: [UInt8])? {
        guard let value = head.value(of: "proxy-authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", let decoded = Base64.decode(parts[1].trimmingSpaces),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (Array(decoded[..<colon]), Array(decoded[(colon + 1)...]))
    }
}

public enum HTTPProxyRequestError: Error, Equatable, Sendable {
    case malformed(String)
    /// An origin-form request (`GET / HTTP/1.1`): for a server, not a proxy.
    case notAProxyRequest
    case unsupportedScheme(String)

    public var status: HTTPStatus {
        switch self {
        case .malformed, .notAProxyRequest: .badRequest
        case .unsupportedScheme: .notImplemented
        }
    }

    public var message: String {
        switch self {
        case .malformed(let why): why
        case .notAProxyRequest: "this is a proxy: ask for an absolute URI (GET http://host/path) or CONNECT host:port"
        case .unsupportedScheme(let scheme): "scheme '\(scheme)' is not served: only http:// (and CONNECT for anything else)"
        }
    }
}

/// `host[:port]` of a URI or a CONNECT target: a name, an IPv4 literal or a bracketed IPv6 literal.
enum HTTPAuthority {
    static func parse(_ text: some StringProtocol, defaultPort: UInt16?) throws(HTTPProxyRequestError) -> ProxyDestination {
        let text = String(text)
        guard !text.contains("@") else { throw .malformed("user information in '\(text.prefix(64))' is not forwarded") }
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .malformed("'\(text.prefix(64))' has no closing ]") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .malformed("'\(text.prefix(64))' is not [IPv6]:PORT") }
                portText = after.dropFirst()
            }
            guard RPCAddressText.isIPv6(host) else { throw .malformed("'\(host.prefix(64))' is not an IPv6 address") }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = Substring(text)
        }
        let port: UInt16
        if let portText {
            guard let value = UInt16(portText), value != 0 else { throw .malformed("'\(portText.prefix(16))' is not a port") }
            port = value
        } else {
            guard let defaultPort else { throw .malformed("'\(text.prefix(64))' needs a port (host:port)") }
            port = defaultPort
        }
        guard !host.isEmpty, host.utf8.count <= 253 else { throw .malformed("empty or overlong host name") }
        if !text.hasPrefix("[") {
            let allowed = host.utf8.allSatisfy { byte in
                HTTPRequestHead.isTokenByte(byte) && byte != UInt8(ascii: "%")
            }
            guard allowed else { throw .malformed("'\(host.prefix(64))' is not a host name") }
        }
        return ProxyDestination(hostText: String(host), port: port)
    }
}

enum RPCAddressText {
    static func isIPv6(_ text: some StringProtocol) -> Bool {
        if case .v6? = RPCAddress(text: String(text)) { return true }
        return false
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
