import Logging
import RelayProtocols
import SystemPackage

/// One HTTP proxy client: a request head (bounded, by the handshake's deadline), Basic proxy authentication when
/// the proxy has credentials, then a CONNECT tunnel or one forwarded request (`Connection: close`: the response
/// ends with the destination's close, and so does the client's connection). Every refusal is an HTTP status.
struct HTTPProxyHandshake {
    let client: OwnedDescriptor
    let context: ProxyContext
    let logger: Logger

    func serve() -> Tunnel? {
        var reader = HandshakeReader(fd: client.rawValue, timeoutMilliseconds: context.handshakeTimeoutMilliseconds)
        let head: HTTPRequestHead
        do throws(HTTPHeadError) {
            guard let decoded = try reader.next({ bytes throws(HTTPHeadError) in try HTTPRequestHead.decode(bytes) }) else {
                if reader.timedOut { refuse(.requestTimeout, "no complete request in time", reader) }
                return nil
            }
            head = decoded
        } catch {
            let message = switch error {
            case .malformed(let why): why
            case .tooLarge: "the request head is larger than \(HTTPRequestHead.maximumBytes) bytes"
            case .versionNotSupported(let version): "\(version) is not served: HTTP/1.1 or HTTP/1.0"
            }
            refuse(error.status, message, reader)
            return nil
        }
        if !context.credentials.isEmpty {
            let given = HTTPProxyRequest.basicCredentials(head)
            guard let given, context.credentials.accepts(username: given.username, password: given.password) else {
                logger.info(given == nil ? "no proxy credentials" : "wrong proxy credentials")
                refuse(.proxyAuthenticationRequired, "this proxy needs a username and password",
                       headers: [("Proxy-Authenticate", "Basic realm=\"netcon\"")], reader)
                return nil
            }
        }
        let request: HTTPProxyRequest
        do throws(HTTPProxyRequestError) {
            request = try HTTPProxyRequest(head)
        } catch {
            refuse(error.status, error.message, reader)
            return nil
        }
        switch request {
        case .tunnel(let destination):
            guard let remote = dial(destination, head: head, reader) else { return nil }
            return Tunnel(remote: remote, toRemote: reader.pending, toClient: HTTPStatus.tunnelEstablished)
        case let .forward(destination, forwarded):
            guard let remote = dial(destination, head: head, reader) else { return nil }
            return Tunnel(remote: remote, toRemote: forwarded.bytes + reader.pending, endsWithRemote: true)
        }
    }

    private func dial(_ destination: ProxyDestination, head: HTTPRequestHead, _ reader: HandshakeReader) -> OwnedDescriptor? {
        switch context.dialer.connect(destination) {
        case .success(let (remote, _)):
            logger.info("\(head.method)", metadata: ["destination": "\(destination)"])
            return remote
        case .failure(let failure):
            let status: HTTPStatus = switch failure {
            case .notAllowed: .forbidden
            case .timedOut: .gatewayTimeout
            case .unresolved, .refused, .unreachable, .failed: .badGateway
            }
            refuse(status, "\(destination): \(failure)", reader)
            return nil
        }
    }

    private func refuse(_ status: HTTPStatus, _ message: String, headers: [(String, String)] = [], _ reader: HandshakeReader) {
        logger.info("refused", metadata: ["status": "\(status.rawValue)", "reason": "\(message)"])
        reader.finish(with: status.response(message, headers: headers))
    }
}
