import ArgumentParser

struct IdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Create or show a node's ZeroTier identity without running the node.",
        subcommands: [IdentityCreate.self, IdentityShow.self]
    )
}
