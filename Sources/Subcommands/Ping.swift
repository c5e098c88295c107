import ArgumentParser
import Runtime

struct Ping: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ping an address on a joined network from the node's own user-space stack (ICMP echo).",
        discussion: """
            The node must be running and configured on a network whose addresses contain the target. With --count, \
            one echo a second; an unanswered echo is reported and the next one still goes. Exits 68 if none was answered.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "An IPv4 or IPv6 address on one of the node's networks.")
    var address: String

    @OptionGroup var countOption: CountOption

    func run() throws {
        let control = NodeControl(home: homeOptions.resolved)
        try countOption.eachEcho { () throws(NetconError) in
            "reply from \(address): \(Double(try control.ipPing(address)) / 1000) ms"
        }
    }
}
