import ArgumentParser

struct MemberSetIP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-ip",
        abstract: "Pin a member's IP addresses (none: back to automatic assignment from the pools)."
    )

    @OptionGroup var arguments: MemberArguments

    @Argument(help: "IPv4 or IPv6 addresses.")
    var addresses: [String] = []

    func run() throws {
        try arguments.send(.memberSetIPs(arguments.network, arguments.member, addresses))
    }
}
