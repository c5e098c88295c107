import ArgumentParser
import ControlPlane
import Runtime
import ZeroTier

struct Join: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join a network.",
        discussion: "Recorded in <home>/networks.d whether or not the daemon runs; a running daemon joins at once."
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The network ID (16 hex digits).")
    var network: NetworkID

    func run() throws {
        let outcome = try NodeControl(home: homeOptions.resolved).join(network)
        switch outcome {
        case .live(let status):
            print("joined \(status.id) (\(status.state.rawValue), MAC \(status.mac))")
        case .recorded(let wasNew):
            print(wasNew ? "joined \(network); the daemon is not running, it will join when it starts" : "already joined \(network); the daemon is not running")
        }
    }
}
