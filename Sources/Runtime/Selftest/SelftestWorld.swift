import ControlPlane
import CNetconSys
import Glibc
import ZeroTier

/// The selftest's private world: temporary homes, a planet whose only root listens on 127.0.0.1, and the
/// three `netcon run` children. `tearDown` always removes everything.
/// Unchecked Sendable: only the interrupt watcher touches it from another thread, to tear it down before exiting.
final class SelftestWorld: @unchecked Sendable {
    let base: String
    let executable: String
    let rootPort: UInt16
    private(set) var daemons: [String: ChildDaemon] = [:]
    private var identities: [String: Address] = [:]
    private var network: NetworkID?
    /// Bob's addresses on the selftest network (IPv4 first, then rfc4193).
    private(set) var bobAddresses: [String] = []
    static let names = ["root", "alice", "bob"]

    init(executable: String) throws(SelftestFailure) {
        self.executable = executable
        var template = Array("/tmp/netcon-selftest-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SelftestFailure("cannot create a temporary directory") }
        base = String(cString: made)
        guard let port = Self.freeLoopbackPort() else { throw SelftestFailure("no free UDP port on 127.0.0.1") }
        rootPort = port
        SelftestCleanup.register(self)
    }

    func home(_ name: String) -> NodeHome { NodeHome(path: "\(base)/\(name)") }

    func start() throws(SelftestFailure) -> String {
        do {
            for name in Self.names {
                try home(name).prepare()
                let identity = try IdentityStore(home: home(name)).loadOrCreate()
                identities[name] = identity.address
            }
            let root = try RootSpecification(parsing: "\(home("root").path)@127.0.0.1/\(rootPort)")
            let planet = try PlanetBuilder(roots: [root], id: UInt64.random(in: 1...(1 << 62)), timestamp: 1,
                                           signingKeyPath: base + "/planet.signing-key").build().world
            for name in Self.names {
                try HomeFile.writeAtomically(home(name).planet, planet.encoded(), mode: 0o644)
                daemons[name] = try ChildDaemon(executable: executable, home: home(name), port: name == "root" ? rootPort : 0,
                                                log: "\(base)/\(name).log")
            }
        } catch {
            throw SelftestFailure(error)
        }
        try waitFor("the daemons' control sockets", seconds: 60) {
            Self.names.allSatisfy { access(home($0).controlSocket, F_OK) == 0 }
        }
        try waitFor("both members online", seconds: 30) {
            ["alice", "bob"].allSatisfy { (try? NodeControl(home: home($0)).status().online) == true }
        }
        return "root \(identities["root"]!) on 127.0.0.1/\(rootPort)"
    }

    func peersFindEachOther() throws(SelftestFailure) -> String {
        do {
            let result = try NodeControl(home: home("alice")).ping(identities["bob"]!)
            return "alice reached bob (\(result.direct ? "direct" : "via the root"), \(result.roundTripMilliseconds) ms)"
        } catch {
            throw SelftestFailure(error)
        }
    }

    func directPath() throws(SelftestFailure) -> String {
        var last = ""
        try waitFor("a direct path between the members", seconds: 30) {
            guard let result = try? NodeControl(home: home("alice")).ping(identities["bob"]!) else { return false }
            last = "\(result.roundTripMilliseconds) ms"
            return result.direct
        }
        return "alice ⇄ bob directly, \(last)"
    }

    func networkConfig() throws(SelftestFailure) -> String {
        let controller = NodeControl(home: home("root"))
        var addresses = [String]()
        do {
            let creation = NetworkCreation(name: "selftest", isPrivate: true, pools: ["10.199.0.0/24"], rfc4193: true, sixPlane: false, mtu: 2800)
            guard case .network(let info) = try controller.controller(.networkCreate(creation)) else { throw SelftestFailure("no network created") }
            network = info.id
            for member in ["alice", "bob"] {
                _ = try controller.controller(.memberAuthorize(info.id, identities[member]!, authorized: true))
                _ = try NodeControl(home: home(member)).join(info.id)
                let ready = try NodeControl(home: home(member)).waitUntilReady(info.id, timeoutSeconds: 20) { _ in }
                addresses.append("\(member) \(ready.assignedAddresses.first ?? "?")")
                if member == "bob" { bobAddresses = ready.assignedAddresses.map { String($0.split(separator: "/")[0]) } }
            }
        } catch let failure as SelftestFailure {
            throw failure
        } catch let error as NetconError {
            throw SelftestFailure(error)
        } catch {
            throw SelftestFailure("\(error)")
        }
        return addresses.joined(separator: ", ")
    }

    /// ICMP echo from alice's user-space stack to bob's, over the network: `family` 4 (ARP through ZeroTier
    /// multicast) or 6 (neighbor discovery).
    func ping(family: Int) throws(SelftestFailure) -> String {
        guard let target = bobAddresses.first(where: { $0.contains(":") == (family == 6) }) else {
            throw SelftestFailure("bob has no IPv\(family) address")
        }
        do {
            var best = Int64.max
            for _ in 0..<3 { best = min(best, try NodeControl(home: home("alice")).ipPing(target)) }
            return "alice → \(target): \(Double(best) / 1000) ms"
        } catch {
            throw SelftestFailure(error)
        }
    }

    func shutDown() throws(SelftestFailure) -> String {
        var unclean = [String]()
        for name in Self.names {
            if daemons.removeValue(forKey: name)?.stop() != 0 { unclean.append(name) }
        }
        guard unclean.isEmpty else { throw SelftestFailure("did not exit 0 on SIGTERM: \(unclean.joined(separator: ", "))") }
        return "3 daemons exited 0 on SIGTERM"
    }

    /// Stops whatever still runs and deletes the homes (also called on SIGINT/SIGTERM).
    func tearDown() {
        ChildCommand.killAll()
        for daemon in daemons.values { daemon.stop(seconds: 5) }
        daemons.removeAll()
        removeTree(base)
        SelftestCleanup.unregister()
    }

    func waitFor(_ what: String, seconds: Int, _ condition: () -> Bool) throws(SelftestFailure) {
        let deadline = monotonicMilliseconds() + Int64(seconds) * 1000
        while monotonicMilliseconds() < deadline {
            if condition() { return }
            if let dead = daemons.first(where: { !$0.value.isRunning }) {
                throw SelftestFailure("\(dead.key)'s daemon exited (log: \(base)/\(dead.key).log)")
            }
            usleep(100_000)
        }
        throw SelftestFailure("timed out after \(seconds) s waiting for \(what)")
    }

    private static func freeLoopbackPort() -> UInt16? {
        let fd = socket(AF_INET, CInt(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return ok ? UInt16(bigEndian: address.sin_port) : nil
    }
}

/// Deletes a directory tree (the selftest's own temporary homes only).
func removeTree(_ path: String) {
    guard let names = try? HomeFile.list(path) else { return }
    for name in names {
        let child = path + "/" + name
        var info = stat()
        if lstat(child, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR { removeTree(child) } else { unlink(child) }
    }
    rmdir(path)
}
