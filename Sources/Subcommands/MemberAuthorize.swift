import ArgumentParser

struct MemberAuthorize: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "authorize", abstract: "Admit a member to a private network (it gets its config and addresses within seconds).")

    @OptionGroup var arguments: MemberArguments

    func run() throws {
        try arguments.send(.memberAuthorize(arguments.network, arguments.member, authorized: true))
    }
}
