import ArgumentParser
import Glibc
import Runtime
import ZeroTier

struct PlanetCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a signed private planet from one or more roots.",
        discussion: """
            Each --root is IDENTITY@ENDPOINT[,ENDPOINT...]: IDENTITY is a node home, an identity file or an \
            identity string; ENDPOINT is IP/PORT. Example:
              netcon planet create --root ./root-home@127.0.0.1/9993 -o planet
            Without -o the planet goes into the home (<home>/planet), where `netcon run` reads it. The signing \
            key (created if missing, 0600; default OUTPUT.signing-key) must be kept to sign later updates of \
            the planet.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .customLong("root"), help: ArgumentHelp("A root: IDENTITY@IP/PORT[,IP/PORT...] (1 to 4).", valueName: "identity@endpoints"))
    var roots: [String] = []

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the planet (default: the home's planet file).", valueName: "file"),
            completion: .file())
    var output: String?

    @Option(name: .long, help: ArgumentHelp("The C25519 signing key pair file (default: OUTPUT.signing-key).", valueName: "file"), completion: .file())
    var signingKey: String?

    @Option(name: .long, help: "The planet's world ID (default: random).")
    var id: UInt64?

    @Option(name: .long, help: "The planet's timestamp in milliseconds since 1970 (default: now); updates need a larger one.")
    var timestamp: UInt64?

    func validate() throws {
        guard (1...World.maxRoots).contains(roots.count) else {
            throw ValidationError("give 1 to \(World.maxRoots) --root options")
        }
    }

    func run() throws {
        let output = try self.output ?? {
            let home = homeOptions.resolved
            try home.prepare()
            return home.planet
        }()
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let builder = PlanetBuilder(
            roots: try roots.map(RootSpecification.init(parsing:)),
            id: id ?? UInt64.random(in: 1...UInt64.max >> 1),
            timestamp: timestamp ?? UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec / 1_000_000),
            signingKeyPath: signingKey ?? output + ".signing-key"
        )
        let result = try builder.build()
        try HomeFile.writeAtomically(output, result.world.encoded(), mode: 0o644)
        print("wrote planet \(result.world.id) (\(result.world.roots.count) root(s)) to \(output)")
        for root in result.world.roots {
            print("  root \(root.address) at \(root.stableEndpoints.map(\.description).joined(separator: ", "))")
        }
        print(result.createdSigningKey ? "created signing key \(builder.signingKeyPath) (keep it to sign updates)" : "signed with \(builder.signingKeyPath)")
    }
}
