import ArgumentParser

struct Planet: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and inspect private planets (the root servers of a self-hosted world).",
        discussion: """
            A node reads <home>/planet when it exists and uses ZeroTier's public planet otherwise. Copy a \
            planet made here into every node's home to give them a world of their own.
            """,
        subcommands: [PlanetCreate.self, PlanetShow.self]
    )
}
