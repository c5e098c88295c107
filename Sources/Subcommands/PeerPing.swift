import ArgumentParser
import Runtime
import ZeroTier

extension Address: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

struct PeerPing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Send a ZeroTier ECHO to a node and show the round trip and whether it went direct or via a root.",
        discussion: """
            Finds the node's identity through the roots first if needed. With --count, one echo a second; an echo \
            not answered within 5 s is reported and the next one still goes. Exits 68 if none was answered.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The node's ZeroTier address (10 hex digits).")
    var address: Address

    @OptionGroup var countOption: CountOption

    func run() throws {
        let control = NodeControl(home: homeOptions.resolved)
        try countOption.eachEcho { () throws(NetconError) in
            let result = try control.ping(address)
            return "reply from \(result.peer): \(result.roundTripMilliseconds) ms, \(result.direct ? "direct" : "relayed by a root")"
        }
    }
}
