import ArgumentParser
import Glibc
import Logging
import Runtime
import ZeroTier

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a program whose sockets live on the virtual network.",
        discussion: """
            Runs PROGRAM with its TCP, UDP and ICMP echo sockets towards the networks' addresses and routes \
            served by the node's user-space stack; everything else goes through the host's network (--isolate \
            forbids that, for every program). --intercept auto (the default) stops the program's socket calls \
            with a seccomp filter answered by netcon, which serves static and Go programs too and keeps serving \
            a program after it changes uid; where the kernel has no seccomp user notification it preloads \
            netcon's library into a dynamically linked program instead. --intercept preload and seccomp choose \
            one path. Wildcard listeners accept from the virtual network (--listen-host: also from the host's). \
            Uses the running daemon of the home; without one, runs a node inside this process (the container \
            entrypoint case) and stops it when PROGRAM ends. Waits until every network is ready (progress on \
            stderr; stdout is the program's). The exit status is PROGRAM's (128+N when signal N ended it); \
            SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH are passed on. Exit 127: PROGRAM \
            not found; 62: a network is not ready in time; 63: no network is joined (or the one named is not); \
            69: the interception PROGRAM needs (seccomp, for a static program or under --isolate) cannot be set \
            up here; 64: --isolate with --intercept preload.
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: ArgumentHelp("A joined network the program needs (repeatable; default: every joined network).", valueName: "nwid"))
    var network: [NetworkID] = []

    @Option(name: .long, help: ArgumentHelp("Join this network first (repeatable).", valueName: "nwid"))
    var join: [NetworkID] = []

    @Flag(name: .long, help: "Only the virtual networks: destinations elsewhere fail with ENETUNREACH.")
    var isolate = false

    @Flag(name: .long, help: "Wildcard TCP listeners also accept connections from the host's network.")
    var listenHost = false

    @Option(name: .long, help: ArgumentHelp("How the program's sockets are intercepted: auto (seccomp where the kernel allows it), preload or seccomp.", valueName: "path"))
    var intercept: Interception = .auto

    @Option(name: .long, help: "Seconds to wait for the networks to be ready.")
    var timeout = 60

    @Option(name: .long, help: "UDP port of a node started inside this process (0: any free port).")
    var port: UInt16 = 0

    @Option(name: .long, help: "Least severe log level of a node started inside this process.")
    var logLevel: Logger.Level = .warning

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The program and its arguments, after --.", valueName: "program"))
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the program to run after --, e.g. netcon exec -- curl http://10.0.0.1/") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let session = ExecSession(
            options: .init(home: homeOptions.resolved, networks: network, join: join, isolate: isolate, listenHost: listenHost,
                           timeoutSeconds: timeout, port: port, allowDefaultPlanet: getenv(PlanetStore.forbidDefaultVariable) == nil,
                           interception: intercept, command: command),
            logger: Logger(label: "netcon"),
            progress: { line in
                var text = line + "\n"
                text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
            }
        )
        let status = try session.run()
        throw CommandExit(status: status)
    }
}

extension Interception: ExpressibleByArgument {}
