import ArgumentParser

struct MemberDeauthorize: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deauthorize", abstract: "Revoke a member: it loses its config and other members drop its frames.")

    @OptionGroup var arguments: MemberArguments

    func run() throws {
        try arguments.send(.memberAuthorize(arguments.network, arguments.member, authorized: false))
    }
}
