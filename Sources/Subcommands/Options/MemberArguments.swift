import ArgumentParser
import ControlPlane
import Runtime
import ZeroTier

/// The arguments every `member` command that changes one member takes, and how it prints the result.
struct MemberArguments: ParsableArguments {
    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: "The network ID (16 hex digits).")
    var network: NetworkID

    @Argument(help: "The member's ZeroTier address (10 hex digits).")
    var member: Address

    @Flag(name: .long, help: "Print the member as JSON.")
    var json = false

    func send(_ request: ControlRequest) throws {
        guard case .member(let info) = try NodeControl(home: homeOptions.resolved).controller(request) else {
            throw NetconError.controlProtocol("unexpected answer from the controller")
        }
        if json { try JSONOutput.print(info) } else { print(ControllerReport.member(info), terminator: "") }
    }
}
