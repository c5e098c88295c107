/// The statuses the HTTP proxy answers with itself, and the response that carries one.
public enum HTTPStatus: Int, Sendable {
    case ok = 200
    case badRequest = 400
    case forbidden = 403
    case proxyAuthenticationRequired = 407
    case requestTimeout = 408
    case headersTooLarge = 431
    case notImplemented = 501
    case badGateway = 502
    case serviceUnavailable = 503
    case gatewayTimeout = 504
    case versionNotSupported = 505

    public var reason: String {
        switch self {
        case .ok: "OK"
        case .badRequest: "Bad Request"
        case .forbidden: "Forbidden"
        case .proxyAuthenticationRequired: "Proxy Authentication Required"
        case .requestTimeout: "Request Timeout"
        case .headersTooLarge: "Request Header Fields Too Large"
        case .notImplemented: "Not Implemented"
        case .badGateway: "Bad Gateway"
        case .serviceUnavailable: "Service Unavailable"
        case .gatewayTimeout: "Gateway Timeout"
        case .versionNotSupported: "HTTP Version Not Supported"
        }
    }

    /// A complete response that ends the connection: the status, `headers`, and `message` as a text body.
    public func response(_ message: String, headers: [(String, String)] = []) -> [UInt8] {
        let body = message + "\n"
        var head = "HTTP/1.1 \(rawValue) \(reason)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        return Array((head + body).utf8)
    }

    /// The answer to a CONNECT whose tunnel is open: what follows is the destination's bytes.
    public static let tunnelEstablished = Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)
}
