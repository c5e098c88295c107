import ArgumentParser
import Logging
import Glibc
import Runtime

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a node in the foreground.",
        discussion: """
            Creates the home and a new ZeroTier identity on first start, binds the UDP port and serves the \
            control socket (<home>/control.sock) that join, leave and status talk to. One daemon per home. \
            Stops cleanly on SIGINT or SIGTERM. Raises its soft descriptor limit to the hard one (each virtual \
            socket holds a descriptor). Forwards the ports <home>/forwards.conf lists from its start, one rule a \
            line as `netcon forward` takes them (expose tcp:8080=127.0.0.1:80, publish udp:5353=10.147.20.7:53, \
            proxy-protocol after an expose tcp rule, # comments): a malformed file refuses the start (exit 78, \
            with its line), a rule that cannot listen is logged and tried again every 5 s. For tests and benchmarks only, NETCON_TEST_UNDERLAY_FAULTS (e.g. \
            loss=0.05,duplicate=0.02,reorder=0.1,corrupt=0.01,delay-ms=2,seed=7) applies those faults to every \
            datagram the node receives, and NETCON_TEST_UNDERLAY_BLOCKED=FILE drops the datagrams from the \
            endpoints FILE lists (one IP/PORT per line, read again when it changes).
            """
    )

    @OptionGroup var homeOptions: HomeOptions

    @Option(name: .long, help: "UDP port to bind (0 picks a free port; status shows it).")
    var port: UInt16 = 9993

    @Option(name: .long, help: "Least severe log level written to stderr.")
    var logLevel: Logger.Level = .info

    func run() throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let daemon = Daemon(
            options: .init(home: homeOptions.resolved, port: port, allowDefaultPlanet: getenv(PlanetStore.forbidDefaultVariable) == nil),
            logger: Logger(label: "netcon"),
            announce: { line in
                print(line)
                fflush(nil)
            }
        )
        try daemon.run()
    }
}
