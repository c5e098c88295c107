import NetconRPC

/// `ADDRESS:PORT` as forward rules and listen options write it: `10.0.0.1:80`, `[fd00::1]:80`, or a bare `80`
/// where an address may be left out.
public enum EndpointText {
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// - Parameter optionalAddress: a bare port is allowed (its address nil).
    public static func parse(_ text: some StringProtocol, optionalAddress: Bool) throws(Invalid) -> RPCEndpoint {
        let text = String(text)
        if let port = UInt16(text), optionalAddress {
            guard port != 0 else { throw Invalid("port 0 in '\(text)': give a port from 1 to 65535") }
            return RPCEndpoint(address: nil, port: port)
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw Invalid("'\(text)' is not [IPv6]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw Invalid(optionalAddress ? "'\(text)' is not PORT, IPv4:PORT or [IPv6]:PORT" : "'\(text)' is not IPv4:PORT or [IPv6]:PORT")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let address = RPCAddress(text: String(host)) else { throw Invalid("'\(host)' is not an IP address") }
        if case .v4 = address, text.hasPrefix("[") { throw Invalid("'\(host)' in brackets is not an IPv6 address") }
        guard let port = UInt16(portText), port != 0 else { throw Invalid("'\(portText)' is not a port from 1 to 65535") }
        return RPCEndpoint(address: address, port: port)
    }

    /// The text `parse` reads back.
    public static func format(_ endpoint: RPCEndpoint) -> String {
        switch endpoint.address {
        case nil: "\(endpoint.port)"
        case .v6?: "[\(endpoint.address!)]:\(endpoint.port)"
        case let address?: "\(address):\(endpoint.port)"
        }
    }

    /// 127.0.0.0/8 and ::1: what only this machine reaches.
    public static func isLoopback(_ address: RPCAddress) -> Bool {
        switch address {
        case .v4(let bytes): bytes[0] == 127
        case .v6(let bytes, _): bytes == [UInt8](repeating: 0, count: 15) + [1]
        }
    }
}
