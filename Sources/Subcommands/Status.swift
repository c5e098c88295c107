import ArgumentParser
import ControlPlane
import Runtime

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the node, its networks and its peers.",
        discussion: """
            Shows what `zerotier-cli info`, `listnetworks` and `listpeers` would. Without a running daemon \
            it still shows the identity and joined networks, says the daemon is not running and exits 1.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Flag(name: .long, help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let status = try NodeControl(home: homeOptions.resolved).status()
        if json {
            try JSONOutput.print(status)
        } else {
            print(StatusReport(status).text, terminator: "")
        }
        if !status.running { throw CommandExit(status: 1) }
    }
}
