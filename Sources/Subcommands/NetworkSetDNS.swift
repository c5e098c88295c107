import ArgumentParser
import ControlPlane
import Runtime
import ZeroTier

struct NetworkSetDNS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-dns",
        abstract: "Set the DNS a network's members get with their config (a search domain and up to four servers).",
        discussion: """
            Stored as ZeroTier One's controller stores it (the network's "dns" in controller.d) and pushed to \
            members in their network config, so ZeroTier One members get it too. Without --domain and --server \
            the network's DNS is cleared. Example: netcon network set-dns NWID --domain lab.example --server 10.147.17.1. \
            With --self the controller answers the domain's names itself, from its member records: \
            <name>.<domain> for a name given with `netcon member set-name` and <address>.<domain> for every member \
            (the 10-digit node address), A and AAAA; programs under `netcon exec` on any member then resolve them.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The network ID (16 hex digits).")
    var network: NetworkID

    @Option(name: .long, help: "The search domain members resolve under these servers.")
    var domain: String = ""

    @Option(name: .customLong("server"), help: ArgumentHelp("A DNS server's IP address (repeat for up to four).", valueName: "ip"))
    var servers: [String] = []

    @Flag(name: .customLong("self"), help: ArgumentHelp(
        "This controller answers the domain's names itself: <member name>.<domain> and <member address>.<domain> (A and AAAA). It joins the network and its addresses there lead the servers.",
        valueName: "self"))
    var controllerAnswers = false

    @Flag(name: .long, help: "Print the network as JSON.")
    var json = false

    func validate() throws {
        if controllerAnswers && domain.isEmpty { throw ValidationError("--self needs --domain: the domain whose names this controller answers") }
        guard servers.count <= NetworkConfig.DNS.maxServers else { throw ValidationError("at most \(NetworkConfig.DNS.maxServers) --server options") }
        for server in servers where IPAddress(server) == nil { throw ValidationError("\(server) is not an IP address") }
    }

    func run() throws {
        let request = ControlRequest.networkSetDNS(network, domain: domain, servers: servers, controllerAnswers: controllerAnswers)
        guard case .network(let info) = try NodeControl(home: homeOptions.resolved).controller(request) else {
            throw NetconError.controlProtocol("unexpected answer to network set-dns")
        }
        if json { try JSONOutput.print(info) } else { print(ControllerReport.network(info), terminator: "") }
    }
}
