import ArgumentParser
import Runtime

struct IdentityCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create the home and its identity if it has none (e.g. for a root, before making its planet).",
        discussion: "Prints the node's address. An existing identity is validated and kept, never replaced."
    )

    @OptionGroup var homeOptions: HomeOptions

    func run() throws {
        let home = homeOptions.resolved
        try home.prepare()
        let identity = try IdentityStore(home: home).loadOrCreate(onGenerationStart: {
            print("generating a new identity for \(home.path) (this takes a moment)…")
        })
        print(identity.address)
    }
}
