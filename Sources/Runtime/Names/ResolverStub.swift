import DNS
import Glibc
import Logging
import NetconRPC
import ZeroTier

/// The resolver a program under `netcon exec` reaches when it queries a host name server (one its resolv.conf
/// names): names under a joined network's DNS domain are asked of that network's servers over the virtual
/// network; other names of the host name server the program wrote to — except for a program under --isolate,
/// which gets REFUSED, so nothing it asks leaves through the host. Confined to the bridge thread; the answer
/// comes back through `reply` there, with the program's query ID.
final class ResolverStub: @unchecked Sendable {
    // @unchecked: confined to the bridge thread; the stack's answers reach it through `loop.execute`.
    private let loop: EventLoop
    private let networks: VirtualNetworks
    private let logger: Logger
    /// Test-only: where host names are asked instead of the program's name server (`NETCON_TEST_HOST_RESOLVER`).
    private let hostOverride: InetEndpoint?
    private var pending: [UInt64: Query] = [:]
    private var nextToken: UInt64 = 0

    static let attemptMilliseconds: Int64 = 2_000
    static let maxPending = 1024
    static let hostOverrideVariable = "NETCON_TEST_HOST_RESOLVER"

    private struct Query {
        let programID: UInt16
        let upstreamID: UInt16
        let query: DNSQuery
        var servers: [Upstream]
        var exchange: DNSExchange?
        var timer: EventLoop.TimerID?
        let reply: ([UInt8]) -> Void
    }

    private enum Upstream {
        case overlay(ZeroTier.IPAddress)
        case host(InetEndpoint)
    }

    init(loop: EventLoop, networks: VirtualNetworks, logger: Logger) {
        self.loop = loop
        self.networks = networks
        self.logger = logger
        hostOverride = getenv(Self.hostOverrideVariable).flatMap { InetEndpoint(String(cString: $0)) }
    }

    /// A program's datagram to `server` (a host name server's port 53).
    func resolve(_ message: [UInt8], sentTo server: RPCEndpoint, isolated: Bool, reply: @escaping ([UInt8]) -> Void) {
        let query: DNSQuery
        do {
            query = try DNSQuery(parsing: message)
        } catch {
            if let answer = DNSQuery.formatError(for: message) { reply(answer) }
            return
        }
        guard query.header.opcode == 0 else { return reply(query.response(.notImplemented)) }
        let upstreams: [Upstream]
        if let overlay = networks.nameServers(for: query.name) {
            guard !overlay.servers.isEmpty else { return reply(query.response(.serverFailure)) }
            upstreams = overlay.servers.map { .overlay($0) }
        } else if isolated {
            logger.debug("resolver: refused a host name under --isolate", metadata: ["name": "\(query.name)"])
            return reply(query.response(.refused))
        } else if let address = server.address {
            upstreams = [.host(hostOverride ?? InetEndpoint(ip: address.engineAddress, port: server.port))]
        } else {
            return reply(query.response(.serverFailure))
        }
        guard pending.count < Self.maxPending else { return reply(query.response(.serverFailure)) }
        nextToken += 1
        pending[nextToken] = Query(programID: query.header.id, upstreamID: UInt16.random(in: .min ... .max), query: query,
                                   servers: upstreams, reply: reply)
        attempt(nextToken)
    }

    /// Sends the query to the next server, or answers SERVFAIL when none is left.
    private func attempt(_ token: UInt64) {
        guard var entry = pending[token] else { return }
        entry.exchange?.cancel()
        entry.exchange = nil
        if let timer = entry.timer { loop.cancel(timer) }
        var message = entry.query.bytes
        message[0] = UInt8(entry.upstreamID >> 8)
        message[1] = UInt8(entry.upstreamID & 0xff)
        while !entry.servers.isEmpty, entry.exchange == nil {
            let upstream = entry.servers.removeFirst()
            do {
                switch upstream {
                case .overlay(let server):
                    entry.exchange = try OverlayDNSExchange(message, to: server, loop: loop) { [weak self] in
                        self?.received($0, for: token)
                    }
                case .host(let server):
                    entry.exchange = try HostDNSExchange(message, to: server, loop: loop) { [weak self] in
                        self?.received($0, for: token)
                    }
                }
            } catch {
                logger.debug("resolver: cannot ask a server", metadata: ["server": "\(upstream)", "error": "\(error)"])
            }
        }
        guard entry.exchange != nil else {
            pending[token] = nil
            entry.reply(entry.query.response(.serverFailure))
            return
        }
        entry.timer = loop.schedule(afterMilliseconds: Self.attemptMilliseconds) { [weak self] in self?.attempt(token) }
        pending[token] = entry
    }

    private func received(_ answer: [UInt8], for token: UInt64) {
        guard let entry = pending[token], answer.count >= DNSHeader.size, DNSHeader.id(of: answer) == entry.upstreamID,
              answer[2] & 0x80 != 0 else { return }
        pending[token] = nil
        entry.exchange?.cancel()
        if let timer = entry.timer { loop.cancel(timer) }
        var reply = answer
        reply[0] = UInt8(entry.programID >> 8)
        reply[1] = UInt8(entry.programID & 0xff)
        reply[3] |= 0x80  // recursion available: the program's resolver is this one, which asks on its behalf
        entry.reply(reply)
    }

    func closeAll() {
        for entry in pending.values {
            entry.exchange?.cancel()
            if let timer = entry.timer { loop.cancel(timer) }
        }
        pending.removeAll()
    }
}
