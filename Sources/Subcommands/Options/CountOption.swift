import ArgumentParser

/// `--count` for the ping commands.
struct CountOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "How many echoes to send.")
    var count = 1

    func validate() throws {
        guard (1...100).contains(count) else { throw ValidationError("--count must be between 1 and 100") }
    }
}
