/// The username/password pairs a proxy accepts (SOCKS5's RFC 1929 and HTTP Basic alike): from `--user NAME:PASSWORD`
/// or a credentials file of such lines (`#` comments).
public struct ProxyCredentials: Equatable, Sendable {
    public private(set) var pairs: [(username: [UInt8], password: [UInt8])]

    public init() { pairs = [] }

    public static func == (a: ProxyCredentials, b: ProxyCredentials) -> Bool {
        a.pairs.map(\.username) == b.pairs.map(\.username) && a.pairs.map(\.password) == b.pairs.map(\.password)
    }

    public var isEmpty: Bool { pairs.isEmpty }

    /// `NAME:PASSWORD`: the name up to the first colon, the password all after it (it may hold colons).
    public mutating func add(_ text: some StringProtocol) throws(ProxyCredentialsError) {
        let bytes = Array(text.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            throw ProxyCredentialsError("'\(text.prefix(32))…' is not NAME:PASSWORD")
        }
        let username = Array(bytes[..<colon]), password = Array(bytes[(colon + 1)...])
        guard username.count <= 255, password.count <= 255, !password.isEmpty else {
            throw ProxyCredentialsError("a name and a non-empty password of at most 255 bytes each, please")
        }
        pairs.append((username, password))
    }

    /// A credentials file: one NAME:PASSWORD a line.
    public mutating func add(file text: String) throws(ProxyCredentialsError) {
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            var content = Substring(line)
            if content.hasSuffix("\r") { content = content.dropLast() }
            if content.trimmingSpaces.isEmpty || content.trimmingSpaces.hasPrefix("#") { continue }
            do {
                try add(content)
            } catch {
                throw ProxyCredentialsError("line \(index + 1): \(error.description)")
            }
        }
    }

    /// Compares every pair in full whatever matches, so the time taken tells nothing about a password.
    public func accepts(username: [UInt8], password: [UInt8]) -> Bool {
        var accepted = false
        for pair in pairs {
            accepted = Self.same(pair.username, username) && Self.same(pair.password, password) || accepted
        }
        return accepted
    }

    private static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

public struct ProxyCredentialsError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
