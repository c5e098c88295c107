import ArgumentParser
import ControlPlane
import Runtime

struct NetworkCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a network controlled by this node and print its ID."
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: "A name members see.")
    var name = ""

    @Option(name: .customLong("pool"), help: ArgumentHelp("An IPv4 pool to assign from: CIDR (10.147.17.0/24) or range (10.147.17.10-10.147.17.250). Repeatable.", valueName: "pool"))
    var pools: [String] = []

    @Flag(name: .long, inversion: .prefixedEnableDisable, help: "Private networks admit only authorized members; public ones anyone.")
    var `private` = true

    @Flag(name: .long, help: "Give each member its rfc4193 IPv6 address.")
    var rfc4193 = false

    @Flag(name: .customLong("6plane"), help: "Give each member its 6plane IPv6 address.")
    var sixPlane = false

    @Option(name: .long, help: "The network's MTU.")
    var mtu = 2800

    @Flag(name: .long, help: "Print the network as JSON.")
    var json = false

    func run() throws {
        let creation = NetworkCreation(name: name, isPrivate: `private`, pools: pools, rfc4193: rfc4193, sixPlane: sixPlane, mtu: mtu)
        guard case .network(let network) = try NodeControl(home: homeOptions.resolved).controller(.networkCreate(creation)) else {
            throw NetconError.controlProtocol("unexpected answer to network create")
        }
        if json { try JSONOutput.print(network) } else { print(network.id) }
    }
}
