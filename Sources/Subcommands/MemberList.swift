import ArgumentParser
import ControlPlane
import Runtime
import ZeroTier

struct MemberList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a network's members.")

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The network ID (16 hex digits).")
    var network: NetworkID

    @Flag(name: .long, help: "Print the members as JSON.")
    var json = false

    func run() throws {
        guard case .members(let members) = try NodeControl(home: homeOptions.resolved).controller(.memberList(network)) else {
            throw NetconError.controlProtocol("unexpected answer to member list")
        }
        if json { try JSONOutput.print(members) } else { print(ControllerReport.members(members, now: ControllerReport.now), terminator: "") }
    }
}
