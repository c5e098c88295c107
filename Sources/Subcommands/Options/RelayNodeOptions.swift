import ArgumentParser
import Glibc
import Logging
import Runtime
import ZeroTier

/// The node options of the commands that relay for the host (`forward`, `proxy`): which networks to wait for,
/// and the node started inside the process when the home has no daemon.
struct RelayNodeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A joined network to wait for (repeatable; default: every joined network).", valueName: "nwid"))
    var network: [NetworkID] = []

    @Option(name: .long, help: ArgumentHelp("Join this network first (repeatable).", valueName: "nwid"))
    var join: [NetworkID] = []

    @Option(name: .long, help: "Seconds to wait for the networks to be ready.")
    var timeout = 60

    @Option(name: .long, help: "UDP port of a node started inside this process (0: any free port).")
    var port: UInt16 = 0

    @Option(name: .long, help: "Least severe log level written to stderr (each connection is logged at info).")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    /// Logs go to stderr from `logLevel` up; progress lines go to stderr, announcements to stdout.
    func bootstrapLogging() {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    var allowDefaultPlanet: Bool { getenv(PlanetStore.forbidDefaultVariable) == nil }

    static let progress: @Sendable (String) -> Void = { line in
        var text = line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    static let announce: @Sendable (String) -> Void = { line in
        print(line)
        fflush(nil)
    }
}
