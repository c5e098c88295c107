import ArgumentParser

struct Network: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the networks this node controls (it is the controller of every network ID starting with its address).",
        discussion: "Works through the running daemon, so members get changes at once; without a daemon it edits <home>/controller.d.",
        subcommands: [NetworkCreate.self, NetworkList.self, NetworkShow.self, NetworkSetDNS.self, NetworkDelete.self]
    )
}
