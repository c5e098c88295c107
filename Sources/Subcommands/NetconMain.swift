import ArgumentParser
import Glibc
import Runtime

/// The entry point behind `main.swift`: picks the command from the program name (a link named
/// `netcon-run` acts as `netcon run`; any other name acts as `netcon`), parses, runs, and maps failures to exit
/// statuses.
public enum NetconMain {
    public static func run() -> Never {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let program = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "netcon"
        // Only a command's own name makes a link act as it: a download named netcon-linux-amd64 is plain netcon.
        if program.hasPrefix("netcon-") {
            let name = String(program.dropFirst("netcon-".count))
            if Netcon.configuration.subcommands.contains(where: { $0._commandName == name }) { arguments.insert(name, at: 0) }
        }
        // The selftest's probe program lives outside Netcon's command tree (see SelftestProbeCommand).
        let isProbe = arguments.first == SelftestProbeCommand.configuration.commandName
        if isProbe { arguments.removeFirst() }
        let root: any ParsableCommand.Type = isProbe ? SelftestProbeCommand.self : Netcon.self
        do {
            var command = try root.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch let error as NetconError {
            fail(error.description, status: error.exitStatus)
        } catch let exit as CommandExit {
            Glibc.exit(exit.status)
        } catch {
            root.exit(withError: error)
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        var line = "netcon: " + message + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        exit(status)
    }
}

/// Ends a command with a status after it has printed what it had to say (e.g. `status` with no daemon).
struct CommandExit: Error {
    var status: Int32
}
