import ArgumentParser
import Logging
import NetconRPC
import RelayProtocols
import Runtime

struct Proxy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a SOCKS5 and an HTTP proxy whose destinations are on the virtual networks.",
        discussion: """
            --socks5 speaks SOCKS5 (RFC 1928): CONNECT and UDP ASSOCIATE (BIND is answered 'command not \
            supported'), IPv4, IPv6 and domain-name destinations (names resolved by the proxy). --http serves \
            CONNECT tunnels and absolute-URI requests (GET http://10.147.20.7/ HTTP/1.1), forwarded in origin \
            form without hop-by-hop fields and with Connection: close, one request per client connection. \
            ADDRESS:PORT or a bare PORT (127.0.0.1). Destinations outside the virtual networks are refused \
            (SOCKS reply 2, HTTP 403) unless --allow-host; a refused port gives SOCKS reply 5 or HTTP 502, a \
            malformed request its protocol's error, and a client that sends no complete request within \
            --handshake-timeout is closed (HTTP 408). --user NAME:PASSWORD (repeatable) or --credentials FILE \
            (NAME:PASSWORD lines, # comments; mode 0600, yours) require them: SOCKS5 username/password (RFC \
            1929), HTTP Basic (407 otherwise). A port on another address than loopback needs \
            --allow-remote-clients and credentials. Names: IP literals; a joined network's names through the node's \
            resolver (its DNS, as under netcon exec); others only with --allow-host, by the host's resolver. The destination sees the node's virtual address. Uses the running daemon of the home, or \
            a node inside this process when none runs; prints one line per proxy and then 'ready' on stdout, and \
            serves until SIGINT or SIGTERM. Exit 71: a port is taken; 64: bad options or credentials.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: ArgumentHelp("Serve SOCKS5 here.", valueName: "address:port"))
    var socks5: String?

    @Option(name: .long, help: ArgumentHelp("Serve the HTTP proxy here.", valueName: "address:port"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("Accept this username and password (repeatable).", valueName: "name:password"))
    var user: [String] = []

    @Option(name: .long, help: ArgumentHelp("Accept the NAME:PASSWORD lines of this file (mode 0600).", valueName: "file"), completion: .file())
    var credentials: String?

    @Flag(name: .long, help: "Also reach destinations outside the virtual networks, through the host's network.")
    var allowHost = false

    @Flag(name: .long, help: "Allow a proxy port on an address other than loopback (credentials required).")
    var allowRemoteClients = false

    @Option(name: .long, help: ArgumentHelp("Seconds a client has to send its whole request.", valueName: "seconds"))
    var handshakeTimeout = 10

    @OptionGroup var node: RelayNodeOptions

    func endpoint(_ text: String?, _ option: String) throws -> RPCEndpoint? {
        guard let text else { return nil }
        do {
            var endpoint = try EndpointText.parse(text, optionalAddress: true)
            if endpoint.address == nil { endpoint.address = RPCAddress(v4: [127, 0, 0, 1]) }
            return endpoint
        } catch {
            throw ValidationError("--\(option): \(error)")
        }
    }

    func userCredentials() throws -> ProxyCredentials {
        var set = ProxyCredentials()
        do {
            for pair in user { try set.add(pair) }
        } catch {
            throw ValidationError("--user: \(error)")
        }
        return set
    }

    func validate() throws {
        let listens = [try endpoint(socks5, "socks5"), try endpoint(http, "http")].compactMap { $0 }
        guard !listens.isEmpty else { throw ValidationError("give --socks5 and/or --http, e.g. --socks5 1080") }
        _ = try userCredentials()
        for endpoint in listens where !EndpointText.isLoopback(endpoint.address!) {
            guard allowRemoteClients else {
                throw ValidationError("\(EndpointText.format(endpoint)) is reachable from other machines: add --allow-remote-clients (and credentials) to mean it")
            }
            guard !user.isEmpty || credentials != nil else {
                throw ValidationError("a proxy other machines reach needs credentials: --user NAME:PASSWORD or --credentials FILE")
            }
        }
        guard handshakeTimeout > 0 else { throw ValidationError("--handshake-timeout must be positive") }
    }

    func run() throws {
        node.bootstrapLogging()
        let session = ProxySession(
            options: .init(home: homeOptions.resolved, networks: node.network, join: node.join, socks5: try endpoint(socks5, "socks5"),
                           http: try endpoint(http, "http"), credentials: try userCredentials(), credentialsFile: credentials,
                           allowHost: allowHost, handshakeTimeoutSeconds: handshakeTimeout, timeoutSeconds: node.timeout,
                           port: node.port, allowDefaultPlanet: node.allowDefaultPlanet),
            logger: Logger(label: "netcon"), progress: RelayNodeOptions.progress, announce: RelayNodeOptions.announce)
        try session.run()
    }
}
