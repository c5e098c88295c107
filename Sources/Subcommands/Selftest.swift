import ArgumentParser
import Glibc
import Runtime

struct Selftest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove the whole chain end to end on a private local world.",
        discussion: """
            Builds a throwaway world on 127.0.0.1 — a root that is also a network controller and two members, \
            each a `netcon run` child in a temporary home — and checks identities and packet crypto against \
            ZeroTier's, peers finding each other through the root, a direct path, network config with address \
            assignment, ICMP between the members' user-space stacks over IPv4 and IPv6, TCP (with a checksum) \
            and UDP between them, then `netcon exec`: this binary as an intercepted server on one member and \
            client on the other (on the seccomp path and on the preload path), a static program embedded in \
            this binary (no libc) as a client on the seccomp path, a host address reached through the host's \
            network (and refused with --isolate, for this binary and for the static program), and finally a \
            clean shutdown. One line per check with its time; the last line is \
            `N passed, N failed`. Exits 0 only if every check passed. Never reaches beyond this machine; \
            cleans up even when interrupted.
            """
    )

    @Flag(name: .long, help: "Print results as JSON.")
    var json = false

    func run() throws {
        let selftest = Runtime.Selftest(executable: "/proc/self/exe") { check in
            guard !json else { return }
            let status = check.passed ? "OK  " : "FAIL"
            print("\(status) \(check.name) (\(check.milliseconds) ms)" + (check.detail.isEmpty ? "" : ": \(check.detail)"))
            fflush(nil)
        }
        let report = selftest.run()
        if json {
            try JSONOutput.print(report)
        } else {
            print("\(report.passed) passed, \(report.failed) failed")
        }
        if report.failed > 0 { throw CommandExit(status: 1) }
    }
}
