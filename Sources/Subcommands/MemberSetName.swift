import ArgumentParser

struct MemberSetName: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-name",
        abstract: "Name a member with a DNS label, unique in the network (no name: remove it)."
    )

    @OptionGroup var arguments: MemberArguments

    @Argument(help: "Letters, digits and inner hyphens, at most 63 (case is ignored).")
    var name: String = ""

    func run() throws {
        try arguments.send(.memberSetName(arguments.network, arguments.member, name))
    }
}
