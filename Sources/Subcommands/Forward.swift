import ArgumentParser
import Logging
import RelayProtocols
import Runtime
import ZeroTier

struct Forward: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forward ports between the host and the virtual network, TCP and UDP, both ways.",
        discussion: """
            A rule is PROTO:[ADDRESS:]PORT=ADDRESS:PORT, the listening side first (PROTO tcp or udp; IPv6 addresses \
            in brackets). --expose tcp:8080=127.0.0.1:80 listens on the node's virtual addresses (all of them \
            unless ADDRESS names one) and relays each member's connection to the host address 127.0.0.1:80. \
            --publish tcp:5432=10.147.20.7:5432 listens on the host (127.0.0.1 unless ADDRESS says otherwise) and \
            relays each connection to that virtual address. TCP keeps half-closes; a target that refuses resets \
            the client's connection. UDP keeps one session per client (its own socket toward the target, so \
            replies reach the client that asked) until --udp-idle-timeout passes without a datagram; datagrams \
            the target's closed port refuses are dropped and logged. The target sees the relay's address: the \
            node's virtual address for publish, the host's for expose, where each connection's member is logged \
            and, with --proxy-protocol, sent first in a PROXY protocol v2 header. Uses the running daemon of \
            the home, or a node inside this process when none runs; waits for the networks, prints one line per \
            rule and then 'ready' on stdout, and relays until SIGINT or SIGTERM. A daemon also forwards the \
            rules of <home>/forwards.conf from its start (see `netcon run`). Exit 71: a rule cannot listen \
            (its port is taken); 62, 63: as exec.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: ArgumentHelp("A host service members reach on the virtual network (repeatable).", valueName: "rule"))
    var expose: [String] = []

    @Option(name: .long, help: ArgumentHelp("A virtual service host programs reach on a host port (repeatable).", valueName: "rule"))
    var publish: [String] = []

    @Flag(name: .long, help: "Start each connection of the expose tcp rules with a PROXY protocol v2 header naming the member.")
    var proxyProtocol = false

    @Option(name: .long, help: ArgumentHelp("Seconds a UDP session lasts without a datagram.", valueName: "seconds"))
    var udpIdleTimeout = 60

    @OptionGroup var node: RelayNodeOptions

    func rules() throws -> [ForwardRule] {
        do {
            return try expose.map { try ForwardRule(.expose, $0, proxyProtocol: proxyProtocol && $0.lowercased().hasPrefix("tcp:")) }
                + publish.map { try ForwardRule(.publish, $0) }
        } catch let error as ForwardRuleError {
            throw ValidationError(error.description)
        }
    }

    func validate() throws {
        let rules = try rules()
        guard !rules.isEmpty else { throw ValidationError("give at least one rule, e.g. --expose tcp:8080=127.0.0.1:80") }
        if proxyProtocol && !rules.contains(where: \.proxyProtocol) {
            throw ValidationError("--proxy-protocol applies to --expose tcp rules, and none is given")
        }
        guard udpIdleTimeout > 0 else { throw ValidationError("--udp-idle-timeout must be positive") }
    }

    func run() throws {
        node.bootstrapLogging()
        let session = ForwardSession(
            options: .init(home: homeOptions.resolved, networks: node.network, join: node.join, rules: try rules(),
                           udpIdleSeconds: udpIdleTimeout, timeoutSeconds: node.timeout, port: node.port,
                           allowDefaultPlanet: node.allowDefaultPlanet),
            logger: Logger(label: "netcon"), progress: RelayNodeOptions.progress, announce: RelayNodeOptions.announce)
        try session.run()
    }
}
