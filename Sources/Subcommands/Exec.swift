import ArgumentParser
import Runtime
import ZeroTier

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a program whose sockets live on the virtual network.",
        discussion: "Not available yet in this build: it needs the socket interception library."
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: "Use this joined network.")
    var network: NetworkID?

    @Argument(parsing: .captureForPassthrough, help: "The program and its arguments (after --).")
    var command: [String] = []

    func run() throws {
        throw NetconError.notYetAvailable(feature: "netcon exec", plannedIn: "the socket interception release")
    }
}
