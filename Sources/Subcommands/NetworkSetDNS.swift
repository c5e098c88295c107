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
            the network's DNS is cleared. Example: netcon network set-dns NWID --domain lab.example --server 10.147.17.1
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The network ID (16 hex digits).")
    var network: NetworkID

    @Option(name: .long, help: "The search domain members resolve under these servers.")
    var domain: String = ""

    @Option(name: .customLong("server"), help: ArgumentHelp("A DNS server's IP address (repeat for up to four).", valueName: "ip"))
    var servers: [String] = []

    @Flag(name: .long, help: "Print the network as JSON.")
    var json = false

    func validate() throws {
        guard servers.count <= NetworkConfig.DNS.maxServers else { throw ValidationError("at most \(NetworkConfig.DNS.maxServers) --server options") }
        for server in servers where IPAddress(server) == nil { throw ValidationError("\(server) is not an IP address") }
    }

    func run() throws {
        let request = ControlRequest.networkSetDNS(network, domain: domain, servers: servers)
        guard case .network(let info) = try NodeControl(home: homeOptions.resolved).controller(request) else {
            throw NetconError.controlProtocol("unexpected answer to network set-dns")
        }
        if json { try JSONOutput.print(info) } else { print(ControllerReport.network(info), terminator: "") }
    }
}
