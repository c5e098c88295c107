import ArgumentParser

struct Peer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk to other ZeroTier nodes directly (diagnostics).",
        subcommands: [PeerPing.self]
    )
}
