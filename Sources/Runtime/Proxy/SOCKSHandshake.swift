import CNetconSys
import Glibc
import Logging
import NetconRPC
import RelayProtocols
import SystemPackage

/// One SOCKS5 client (RFC 1928): method negotiation, username/password (RFC 1929) when the proxy has credentials,
/// then CONNECT (a tunnel) or UDP ASSOCIATE (served here until the client's connection closes). BIND is answered
/// "command not supported"; a malformed request gets its reply code, and the connection is closed.
struct SOCKSHandshake {
    let client: OwnedDescriptor
    let peer: RPCEndpoint
    /// The proxy's address the client reached: a UDP association listens there too.
    let local: RPCEndpoint
    let context: ProxyContext
    let logger: Logger

    func serve() -> Tunnel? {
        var reader = HandshakeReader(fd: client.rawValue, timeoutMilliseconds: context.handshakeTimeoutMilliseconds)
        do throws(SOCKSError) {
            guard let greeting = try reader.next({ bytes throws(SOCKSError) in try SOCKSGreeting.decode(bytes) }) else { return nil }
            let method = context.credentials.isEmpty ? SOCKSGreeting.noAuthentication : SOCKSGreeting.usernamePassword
            guard greeting.methods.contains(method) else {
                logger.info("no acceptable authentication method", metadata: ["offered": "\(greeting.methods)"])
                reader.finish(with: SOCKSGreeting.choice(SOCKSGreeting.noAcceptableMethod))
                return nil
            }
            guard reader.send(SOCKSGreeting.choice(method)) else { return nil }
            if method == SOCKSGreeting.usernamePassword {
                guard let login = try reader.next({ bytes throws(SOCKSError) in try SOCKSPasswordRequest.decode(bytes) }) else { return nil }
                let accepted = context.credentials.accepts(username: login.username, password: login.password)
                guard accepted else {
                    logger.warning("wrong username or password", metadata: ["username": "\(String(decoding: login.username, as: UTF8.self))"])
                    reader.finish(with: SOCKSPasswordRequest.verdict(success: false))
                    return nil
                }
                guard reader.send(SOCKSPasswordRequest.verdict(success: true)) else { return nil }
            }
            guard let request = try reader.next({ bytes throws(SOCKSError) in try SOCKSRequest.decode(bytes) }) else { return nil }
            switch request.command {
            case .connect: return connect(request.destination, reader: reader)
            case .bind:
                logger.info("BIND refused: not supported")
                reader.finish(with: SOCKSReply(code: .commandNotSupported).bytes)
                return nil
            case .udpAssociate:
                associate(request.destination, reader: reader)
                return nil
            }
        } catch {
            logger.info("malformed SOCKS5 request", metadata: ["error": "\(error)"])
            // A client that does not speak SOCKS5 gets nothing it could misread.
            if let code = error.reply { reader.finish(with: SOCKSReply(code: code).bytes) }
            return nil
        }
    }

    private func connect(_ destination: ProxyDestination, reader: HandshakeReader) -> Tunnel? {
        switch context.dialer.connect(destination) {
        case let .success((remote, bound)):
            logger.info("CONNECT", metadata: ["destination": "\(destination)", "from": "\(bound.map { "\($0)" } ?? "?")"])
            let reply = SOCKSReply(code: .succeeded, bound: bound.map(Self.destination) ?? SOCKSReply.unspecified)
            return Tunnel(remote: remote, toRemote: reader.pending, toClient: reply.bytes)
        case .failure(let failure):
            logger.info("CONNECT failed", metadata: ["destination": "\(destination)", "error": "\(failure)"])
            reader.finish(with: SOCKSReply(code: Self.code(for: failure)).bytes)
            return nil
        }
    }

    private func associate(_ expected: ProxyDestination, reader: HandshakeReader) {
        let relay: OwnedDescriptor
        do {
            relay = try HostSockets.bindUDP(on: RPCEndpoint(address: local.address, port: 0))
        } catch {
            reader.finish(with: SOCKSReply(code: .generalFailure).bytes)
            return
        }
        guard let bound = HostSockets.localEndpoint(of: relay.rawValue) else { return }
        guard reader.send(SOCKSReply(code: .succeeded, bound: Self.destination(bound)).bytes) else { return }
        logger.info("UDP ASSOCIATE", metadata: ["relay": "\(bound)"])
        // The client's datagrams must come from its own address; the port too when it said which.
        var client: RPCEndpoint?
        if case .address(let address) = expected.host, expected.port != 0, address.bytes.contains(where: { $0 != 0 }) {
            client = RPCEndpoint(address: address, port: expected.port)
        }
        var association = SOCKSAssociation(control: self.client, relay: relay, clientAddress: peer.address,
                                           client: client, dialer: context.dialer, logger: logger)
        association.run()
    }

    static func destination(_ endpoint: RPCEndpoint) -> ProxyDestination {
        ProxyDestination(host: .address(endpoint.address ?? .v4([0, 0, 0, 0])), port: endpoint.port)
    }

    static func code(for failure: ProxyDialer.Failure) -> SOCKSReply.Code {
        switch failure {
        case .notAllowed: .notAllowed
        case .unresolved, .timedOut: .hostUnreachable
        case .refused: .connectionRefused
        case .unreachable: .networkUnreachable
        case .failed: .generalFailure
        }
    }
}
