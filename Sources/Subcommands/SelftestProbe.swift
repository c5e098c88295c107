import ArgumentParser
import Glibc
import Runtime

/// `netcon selftest-probe`: the program `netcon selftest` and `make bench` run under `netcon exec`, so neither
/// needs another one. Not one of Netcon's subcommands (NetconMain dispatches it), so help, completions and the
/// man page never show it; the manual generator lists even commands marked `shouldDisplay: false`.
struct SelftestProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest-probe",
        abstract: "A small TCP/UDP program for netcon's own checks (run under netcon exec).",
        subcommands: [Serve.self, Fetch.self, Loop.self]
    )

    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Listen on a TCP port of every IPv4 address and answer COUNT requests with checkable bytes.")

        @Option(name: .long, help: "TCP port to listen on.")
        var port: UInt16

        @Option(name: .long, help: "Requests to answer before exiting.")
        var count = 1

        func run() throws {
            try probe {
                try Runtime.SelftestProbe.serve(port: port, count: count) { line in
                    print(line)
                    fflush(nil)
                }
            }
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask a probe server for BYTES bytes and check every one.")

        @Argument(help: "The server's IP address.")
        var host: String

        @Argument(help: "The server's TCP port.")
        var port: UInt16

        @Option(name: .long, help: "Bytes to ask for.")
        var bytes = 1 << 20

        @Option(name: .long, help: "Fetches, one connection each; then a first line says how long they all took.")
        var count = 1

        func validate() throws {
            guard bytes >= 0 && bytes <= 1 << 30 else { throw ValidationError("--bytes must be 0 to 1 GiB") }
            guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        }

        func run() throws {
            try probe {
                var started = timespec(), ended = timespec()
                clock_gettime(CLOCK_MONOTONIC, &started)
                var last = ""
                for _ in 0..<count { last = try Runtime.SelftestProbe.fetch(host: host, port: port, length: bytes) }
                clock_gettime(CLOCK_MONOTONIC, &ended)
                let nanoseconds = (ended.tv_sec - started.tv_sec) * 1_000_000_000 + (ended.tv_nsec - started.tv_nsec)
                // The static probe's line, word for word: the bench reads both alike.
                if count > 1 { print("fetched \(count) x \(bytes) bytes in \(nanoseconds) ns") }
                print(last)
            }
        }
    }

    struct Loop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time COUNT rounds of a host-only socket workload on 127.0.0.1 (udp: datagram round trips; tcp: a connection per request).")

        @Argument(help: "udp or tcp.")
        var workload: Runtime.SelftestProbe.Workload

        @Option(name: .long, help: "Rounds to run.")
        var count = 100_000

        func run() throws {
            try probe {
                let nanoseconds = try Runtime.SelftestProbe.loop(workload, count: count)
                print("\(workload.rawValue) \(count) rounds in \(nanoseconds) ns")
            }
        }
    }
}

extension Runtime.SelftestProbe.Workload: ExpressibleByArgument {}

/// A probe's failure is one line on stderr and exit 1.
private func probe(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as Runtime.SelftestProbe.Failure {
        var line = "netcon selftest-probe: \(failure)\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        throw CommandExit(status: 1)
    }
}
