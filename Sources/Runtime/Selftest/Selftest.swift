import ControlPlane
import Glibc
import ZeroTier

/// `netcon selftest`: builds a throwaway private world on 127.0.0.1 (a root that is also a controller, and two
/// members, all `netcon run` children of this binary in temporary homes) and proves each capability end to end.
/// Checks are added here as capabilities land; every one that runs must pass.
public struct Selftest {
    public let executable: String
    /// Called as each check finishes, for live output.
    public var onCheck: (SelftestCheck) -> Void

    public init(executable: String, onCheck: @escaping (SelftestCheck) -> Void) {
        self.executable = executable
        self.onCheck = onCheck
    }

    public func run() -> SelftestReport {
        var checks = [SelftestCheck]()
        @discardableResult
        func record(_ name: String, _ body: () throws(SelftestFailure) -> String) -> Bool {
            let start = monotonicMilliseconds()
            let check: SelftestCheck
            do {
                let detail = try body()
                check = SelftestCheck(name: name, passed: true, milliseconds: monotonicMilliseconds() - start, detail: detail)
            } catch {
                check = SelftestCheck(name: name, passed: false, milliseconds: monotonicMilliseconds() - start, detail: error.reason)
            }
            checks.append(check)
            onCheck(check)
            return check.passed
        }

        record("identity vectors", SelftestCrypto.identityVectors)
        record("packet crypto", SelftestCrypto.packetArmor)

        let world: SelftestWorld
        do {
            world = try SelftestWorld(executable: executable)
        } catch {
            record("private world", { () throws(SelftestFailure) -> String in throw error })
            return SelftestReport(checks: checks)
        }
        defer { world.tearDown() }
        // Each world check builds on the previous one: stop at the first failure.
        _ = record("private world (root + 2 members)", world.start)
            && record("peers via root", world.peersFindEachOther)
            && record("direct path", world.directPath)
            && record("network config and IP assignment", world.networkConfig)
            && record("ping between members' stacks (IPv4)", { () throws(SelftestFailure) -> String in try world.ping(family: 4) })
            && record("ping between members' stacks (IPv6)", { () throws(SelftestFailure) -> String in try world.ping(family: 6) })
            && record("TCP transfer with checksum (IPv4)", { () throws(SelftestFailure) -> String in try world.tcpTransfer(family: 4) })
            && record("TCP over IPv6", { () throws(SelftestFailure) -> String in try world.tcpTransfer(family: 6, bytes: 1 << 20) })
            && record("UDP with source addresses", world.udpExchange)
            && record("intercepted child process (netcon exec)", { () throws(SelftestFailure) -> String in try world.interceptedChild(.netcon(intercept: "auto")) })
            && record("the preload path (--intercept preload)", { () throws(SelftestFailure) -> String in try world.interceptedChild(.netcon(intercept: "preload")) })
            && record("a static program (the seccomp path)", { () throws(SelftestFailure) -> String in try world.interceptedChild(.staticProbe) })
            && record("fall-through to the host (and --isolate)", world.fallThrough)
            && record("--isolate for a static program", world.staticIsolation)
            && record("clean shutdown", world.shutDown)
        return SelftestReport(checks: checks)
    }
}

/// Why a check failed, in one line.
struct SelftestFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
    init(_ error: NetconError) { reason = error.description }
}
