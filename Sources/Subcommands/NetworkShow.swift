import ArgumentParser
import ControlPlane
import Runtime
import ZeroTier

struct NetworkShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one network this node controls.")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The network ID (16 hex digits).")
    var network: NetworkID

    @Flag(name: .long, help: "Print the network as JSON.")
    var json = false

    func run() throws {
        guard case .network(let info) = try NodeControl(home: homeOptions.resolved).controller(.networkShow(network)) else {
            throw NetconError.controlProtocol("unexpected answer to network show")
        }
        if json { try JSONOutput.print(info) } else { print(ControllerReport.network(info), terminator: "") }
    }
}
