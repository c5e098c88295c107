import ArgumentParser
import Runtime

struct Ping: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ping an address on a joined network from the node's own user-space stack (ICMP echo).",
        discussion: "The node must be running and configured on a network whose addresses contain the target. Exits 68 without an answer."
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "An IPv4 or IPv6 address on one of the node's networks.")
    var address: String

    @OptionGroup var countOption: CountOption

    func run() throws {
        let control = NodeControl(home: homeOptions.resolved)
        for _ in 0..<countOption.count {
            let microseconds = try control.ipPing(address)
            print("reply from \(address): \(Double(microseconds) / 1000) ms")
        }
    }
}
