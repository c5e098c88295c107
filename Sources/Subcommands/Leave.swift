import ArgumentParser
import Runtime
import ZeroTier

struct Leave: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Leave a network.",
        discussion: "Removes it from <home>/networks.d; a running daemon leaves at once."
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The network ID (16 hex digits).")
    var network: NetworkID

    func run() throws {
        let wasJoined = try NodeControl(home: homeOptions.resolved).leave(network)
        print(wasJoined ? "left \(network)" : "\(network) was not joined")
    }
}
