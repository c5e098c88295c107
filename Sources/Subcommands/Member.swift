import ArgumentParser

struct Member: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the members of a network this node controls.",
        subcommands: [MemberList.self, MemberAuthorize.self, MemberDeauthorize.self, MemberSetIP.self, MemberSetName.self]
    )
}
