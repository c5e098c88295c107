import ArgumentParser
import Runtime

struct Selftest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove the whole chain end to end on a private local world.",
        discussion: "Not available yet in this build: it needs the protocol engine, the stack and exec."
    )

    @Flag(name: .long, help: "Print results as JSON.")
    var json = false

    func run() throws {
        throw NetconError.notYetAvailable(feature: "netcon selftest", plannedIn: "the selftest release")
    }
}
