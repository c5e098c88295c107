import ArgumentParser
import ControlPlane
import Runtime
import ZeroTier

struct Join: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join a network.",
        discussion: """
            Recorded in <home>/networks.d whether or not the daemon runs. With a running daemon, join shows \
            progress until the network is OK and has an address, and exits 62 with the reason if that takes \
            longer than --timeout (the network stays joined).
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The network ID (16 hex digits).")
    var network: NetworkID

    @Option(name: .long, help: "Seconds to wait for the network to be ready (0: do not wait).")
    var timeout = 30

    func validate() throws {
        guard timeout >= 0 else { throw ValidationError("--timeout cannot be negative") }
    }

    func run() throws {
        let control = NodeControl(home: homeOptions.resolved)
        switch try control.join(network) {
        case .live(let status):
            print("joined \(status.id) (MAC \(status.mac))")
            guard timeout > 0 else { return }
            let ready = try control.waitUntilReady(network, timeoutSeconds: timeout) { current in
                print("  \(current.state.rawValue)" + (current.assignedAddresses.isEmpty ? "" : " " + current.assignedAddresses.joined(separator: " ")))
            }
            print("\(ready.id) is ready: \(ready.name.isEmpty ? "" : ready.name + ", ")\(ready.assignedAddresses.joined(separator: ", "))")
        case .recorded(let wasNew):
            print(wasNew ? "joined \(network); the daemon is not running, it will join when it starts" : "already joined \(network); the daemon is not running")
        }
    }
}
