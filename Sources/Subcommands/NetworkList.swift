import ArgumentParser
import ControlPlane
import Runtime

struct NetworkList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the networks this node controls.")

    @OptionGroup var homeOptions: HomeOptions

    @Flag(name: .long, help: "Print the networks as JSON.")
    var json = false

    func run() throws {
        guard case .networks(let networks) = try NodeControl(home: homeOptions.resolved).controller(.networkList) else {
            throw NetconError.controlProtocol("unexpected answer to network list")
        }
        if json { try JSONOutput.print(networks) } else { print(ControllerReport.networks(networks), terminator: "") }
    }
}
