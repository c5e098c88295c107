import ArgumentParser
import ControlPlane
import Runtime
import ZeroTier

struct NetworkDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a network this node controls, with all its members (members then get NOT_FOUND)."
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The network ID (16 hex digits).")
    var network: NetworkID

    func run() throws {
        _ = try NodeControl(home: homeOptions.resolved).controller(.networkDelete(network))
        print("deleted \(network)")
    }
}
