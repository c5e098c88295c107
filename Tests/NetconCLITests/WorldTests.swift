import CNetconSys
import Foundation
import Testing

/// A private world of real `netcon run` processes on 127.0.0.1: one root (its own planet, made by
/// `netcon planet create`) and two members, driven through the CLI.
@Suite(.serialized) struct WorldTests {
    struct StatusJSON: Decodable {
        struct Peer: Decodable {
            struct Path: Decodable { var endpoint: String; var preferred: Bool; var active: Bool }
            var address: String
            var role: String
            var version: String?
            var paths: [Path]
        }
        struct Traffic: Decodable { var dropped: [String: Int]; var packetsRelayed: Int }
        var address: String
        var online: Bool
        var port: UInt16?
        var peers: [Peer]
        var traffic: Traffic?
    }

    struct SocketsJSON: Decodable, Equatable {
        var tcpConnections, tcpListeners, udp, icmp: Int
        var stackTCPActive, stackTCPListening, stackTCPBound, stackTCPTimeWait, stackUDP: Int
    }

    final class World {
        let rootHome: TemporaryHome
        var homes: [String: TemporaryHome]
        let rootPort: UInt16
        /// The second root's UDP port, when the planet has two roots ("root2", the vectors' controller identity).
        let secondRootPort: UInt16?
        var daemons: [String: NetconProcess.Running] = [:]
        let addresses = ["root": "4518434e30", "root2": "cf2daa94e4", "m1": "0f845b7051", "m2": "eddffe2b19"]

        init(members: [String], twoRoots: Bool = false) throws {
            rootPort = try freeUDPPort()
            rootHome = try TemporaryHome(planet: nil)
            try rootHome.installWorldIdentity("root")
            var roots = ["--root", "\(rootHome.path)@127.0.0.1/\(rootPort)"]
            var homes = [String: TemporaryHome]()
            if twoRoots {
                let port = try freeUDPPort()
                let home = try TemporaryHome(planet: nil)
                try home.installWorldIdentity("ctl")
                homes["root2"] = home
                roots += ["--root", "\(home.path)@127.0.0.1/\(port)"]
                secondRootPort = port
            } else {
                secondRootPort = nil
            }
            let planet = rootHome.path + "/planet"
            let made = try NetconProcess.run(["planet", "create"] + roots + ["-o", planet])
            guard made.status == 0 else { throw TestFailure("planet create failed: \(made.stderr)") }
            if let second = homes["root2"] { try FileManager.default.copyItem(atPath: planet, toPath: second.path + "/planet") }
            for name in members {
                let home = try TemporaryHome(planet: URL(fileURLWithPath: planet))
                try home.installWorldIdentity(name)
                homes[name] = home
            }
            self.homes = homes
        }

        func home(_ name: String) -> TemporaryHome { name == "root" ? rootHome : homes[name]! }

        /// Daemons start under this umask when set (see `NetconProcess.start`).
        var umask: String?

        /// Each member keeps the UDP port of its first start: a restarted member on a new port would leave its old
        /// one, still its peers' path to it for a while, free for another world's node of the same identity (the
        /// worlds share the vectors' identities), which would then answer for it.
        private var memberPorts: [String: UInt16] = [:]

        func start(_ name: String, environment: [String: String] = [:]) throws {
            let home = home(name)
            let memberPort = try memberPorts[name] ?? freeUDPPort()
            if name != "root" && name != "root2" { memberPorts[name] = memberPort }
            let port = name == "root" ? String(rootPort) : name == "root2" ? String(secondRootPort ?? 0) : String(memberPort)
            let daemon = try NetconProcess.start(["run", "--home", home.path, "--port", port, "--log-level", "debug"],
                                                 environment: environment, umask: umask)
            daemons[name] = daemon
            try home.waitForDaemon(daemon)
        }

        func stop(_ name: String) throws -> NetconProcess.Result {
            guard let daemon = daemons.removeValue(forKey: name) else { throw TestFailure("\(name) is not running") }
            daemon.signal(SIGTERM)
            return try daemon.wait(timeout: 20)
        }

        /// The daemon's census of programs' sockets (`status --json`, `sockets`).
        func sockets(_ name: String) throws -> SocketsJSON {
            let result = try NetconProcess.run(["status", "--home", home(name).path, "--json"])
            struct Status: Decodable { var sockets: SocketsJSON? }
            guard let sockets = try JSONDecoder().decode(Status.self, from: Data(result.stdout.utf8)).sockets else {
                throw TestFailure("status of \(name) has no sockets: \(result.stdout)")
            }
            return sockets
        }

        /// kill -9, as a crash or the OOM killer would: nothing of the node's own shutdown runs.
        func kill(_ name: String) throws {
            guard let daemon = daemons.removeValue(forKey: name) else { throw TestFailure("\(name) is not running") }
            daemon.signal(SIGKILL)
            _ = try daemon.wait(timeout: 20)
        }

        func status(_ name: String) throws -> StatusJSON {
            let result = try NetconProcess.run(["status", "--home", home(name).path, "--json"])
            return try JSONDecoder().decode(StatusJSON.self, from: Data(result.stdout.utf8))
        }

        func waitUntil(_ what: String, timeout: TimeInterval = 20, _ condition: () throws -> Bool) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if try condition() { return }
                usleep(100_000)
            }
            throw TestFailure("timed out waiting for \(what)")
        }

        func ping(from name: String, to peer: String) throws -> NetconProcess.Result {
            try NetconProcess.run(["peer", "ping", addresses[peer]!, "--home", home(name).path])
        }

        deinit {
            for daemon in daemons.values {
                daemon.signal(SIGTERM)
                _ = try? daemon.wait(timeout: 10)
            }
        }
    }

    @Test func membersFindEachOtherThroughTheRootThenTalkDirectly() throws {
        let world = try World(members: ["m1", "m2"])
        try world.start("root")
        try world.start("m1")
        try world.start("m2")
        try world.waitUntil("members online") { try world.status("m1").online && world.status("m2").online }

        let rootStatus = try world.status("root")
        #expect(Set(rootStatus.peers.map(\.address)) == ["0f845b7051", "eddffe2b19"])
        let m1Root = try #require(world.status("m1").peers.first { $0.address == "4518434e30" })
        #expect(m1Root.role == "PLANET")
        #expect(m1Root.version == "1.14.1")
        #expect(m1Root.paths.contains { $0.endpoint == "127.0.0.1/\(world.rootPort)" && $0.preferred })

        // m1 has never heard of m2: WHOIS through the root, the first ECHO is relayed, the root introduces them.
        let first = try world.ping(from: "m1", to: "m2")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("reply from eddffe2b19"))
        try world.waitUntil("a direct path between the members", timeout: 40) {
            try world.ping(from: "m1", to: "m2").stdout.contains("direct")
        }
        let m2Port = try #require(world.status("m2").port)
        let m1View = try #require(world.status("m1").peers.first { $0.address == "eddffe2b19" })
        #expect(m1View.paths.contains { $0.endpoint.hasSuffix("/\(m2Port)") && $0.preferred })
        #expect(try world.status("root").traffic?.packetsRelayed ?? 0 > 0)

        // A restarted member comes back with its cached peer and still reaches the other one.
        let stopped = try world.stop("m1")
        #expect(stopped.status == 0)
        #expect(FileManager.default.fileExists(atPath: world.home("m1").path + "/peers.d/eddffe2b19.peer"))
        try world.start("m1")
        try world.waitUntil("m1 back online") { try world.status("m1").online }
        let again = try world.ping(from: "m1", to: "m2")
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func forgedIdentitiesGarbageAndTruncationsAreCountedAndHarmless() throws {
        let world = try World(members: ["m1"])
        try world.start("root")
        try world.start("m1")
        try world.waitUntil("m1 online") { try world.status("m1").online }

        let socket = try UDPClient()
        // A HELLO claiming id1's address with the corrupted public key: the identity does not derive.
        let forged = try forgedHello(to: "4518434e30")
        try socket.send(forged, toPort: world.rootPort)
        var generator = SystemRandomNumberGenerator()
        for length in [1, 3, 5, 16, 27, 28, 40, 200, 1500] {
            try socket.send((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }, toPort: world.rootPort)
        }
        for cut in stride(from: 0, to: forged.count, by: 7) { try socket.send(Array(forged[0..<cut]), toPort: world.rootPort) }
        try world.waitUntil("drops counted") { (try world.status("root").traffic?.dropped.values.reduce(0, +) ?? 0) >= 10 }
        let root = try world.status("root")
        #expect(root.peers.map(\.address) == ["0f845b7051"])
        #expect(try world.ping(from: "m1", to: "root").status == 0)
    }

    struct NetworkStatusJSON: Decodable {
        struct Network: Decodable { var id: String; var state: String; var assignedAddresses: [String]; var name: String }
        var networks: [Network]
    }

    func network(_ world: World, _ name: String, _ id: String) throws -> NetworkStatusJSON.Network? {
        let result = try NetconProcess.run(["status", "--home", world.home(name).path, "--json"])
        return try JSONDecoder().decode(NetworkStatusJSON.self, from: Data(result.stdout.utf8)).networks.first { $0.id == id }
    }

    @Test func aControllerAdmitsMembersAssignsAddressesAndRevokesThem() throws {
        let world = try World(members: ["m1", "m2"])
        try world.start("root")
        try world.start("m1")
        try world.start("m2")
        try world.waitUntil("members online") { try world.status("m1").online && world.status("m2").online }
        let root = world.home("root").path
        let created = try NetconProcess.run(["network", "create", "--home", root, "--name", "lab", "--pool", "10.5.0.0/24", "--rfc4193"])
        let priv = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(created.status == 0 && priv.hasPrefix("4518434e30"))

        // Not authorized yet: join reports it and gives up after its timeout; status says ACCESS_DENIED.
        let denied = try NetconProcess.run(["join", priv, "--home", world.home("m1").path, "--timeout", "3"])
        #expect(denied.status == 62)
        #expect(denied.stdout.contains("ACCESS_DENIED"))
        #expect(denied.stderr.contains("member authorize \(priv) 0f845b7051"), "the hint names this node: \(denied.stderr)")
        #expect(try network(world, "m1", priv)?.state == "ACCESS_DENIED")

        // Authorized: the controller pushes the config; the member has its addresses within seconds.
        #expect(try NetconProcess.run(["member", "authorize", priv, "0f845b7051", "--home", root]).status == 0)
        try world.waitUntil("m1 configured", timeout: 10) { try network(world, "m1", priv)?.state == "OK" }
        let configured = try #require(try network(world, "m1", priv))
        #expect(configured.name == "lab")
        #expect(configured.assignedAddresses.contains { $0.hasPrefix("10.5.0.") && $0.hasSuffix("/24") })
        #expect(configured.assignedAddresses.contains { $0.hasPrefix("fd45:1843:4e30:") && $0.hasSuffix("/88") })
        #expect(FileManager.default.fileExists(atPath: world.home("m1").path + "/networks.d/\(priv).conf"))

        // Both members on the network: their user-space stacks answer each other's pings, IPv4 (ARP through
        // ZeroTier multicast) and IPv6 (neighbor discovery), through certificates of membership.
        #expect(try NetconProcess.run(["member", "authorize", priv, "eddffe2b19", "--home", root]).status == 0)
        #expect(try NetconProcess.run(["join", priv, "--home", world.home("m2").path, "--timeout", "15"]).status == 0)
        let m2Addresses = try #require(try network(world, "m2", priv)?.assignedAddresses)
        for address in m2Addresses {
            let ip = String(address.split(separator: "/")[0])
            let ping = try NetconProcess.run(["ping", ip, "--home", world.home("m1").path, "--count", "2"])
            #expect(ping.status == 0, "\(ip): \(ping.stderr)")
            #expect(ping.stdout.contains("reply from \(ip)"))
        }

        // Revoked: the member is told at once, loses its addresses, and the other member's stack no longer
        // reaches it.
        #expect(try NetconProcess.run(["member", "deauthorize", priv, "0f845b7051", "--home", root]).status == 0)
        try world.waitUntil("m1 revoked", timeout: 10) { try network(world, "m1", priv)?.state == "ACCESS_DENIED" }
        #expect(try network(world, "m1", priv)?.assignedAddresses.isEmpty == true)
        let m1Lost = try NetconProcess.run(["ping", String(m2Addresses[0].split(separator: "/")[0]), "--home", world.home("m1").path])
        #expect(m1Lost.status != 0)
    }

    @Test func publicNetworksAssignWithoutAuthorizationAndPoolsSurviveControllerRestarts() throws {
        let world = try World(members: ["m1", "m2"])
        try world.start("root")
        try world.start("m1")
        try world.start("m2")
        try world.waitUntil("members online") { try world.status("m1").online && world.status("m2").online }
        let root = world.home("root").path
        // Two usable addresses (ZeroTier never assigns a pool's last one).
        let created = try NetconProcess.run(["network", "create", "--home", root, "--disable-private", "--pool", "10.6.0.1-10.6.0.3"])
        let pub = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let first = try NetconProcess.run(["join", pub, "--home", world.home("m1").path, "--timeout", "15"])
        #expect(first.status == 0, "\(first.stdout) \(first.stderr)")
        #expect(first.stdout.contains("is ready"))
        _ = try world.stop("root")
        try world.start("root")
        let second = try NetconProcess.run(["join", pub, "--home", world.home("m2").path, "--timeout", "20"])
        #expect(second.status == 0, "\(second.stdout) \(second.stderr)")
        let a = try #require(try network(world, "m1", pub)?.assignedAddresses.first)
        let b = try #require(try network(world, "m2", pub)?.assignedAddresses.first)
        #expect(a != b)
        let members = try NetconProcess.run(["member", "list", pub, "--home", root])
        #expect(members.stdout.contains("0f845b7051") && members.stdout.contains("eddffe2b19"))
    }

    /// The controller's DNS for a network reaches its members in their config, shows in `network show` and in
    /// the members' `status`, and goes away again when cleared.
    @Test func aNetworksDNSIsPushedToItsMembers() throws {
        let (world, _) = try StackTransferTests.configuredWorld()
        let root = world.home("root").path
        let status = try NetconProcess.run(["status", "--home", world.home("m1").path, "--json"])
        let network = try #require(try JSONDecoder().decode(NetworkStatusJSON.self, from: Data(status.stdout.utf8)).networks.first?.id)
        let set = try NetconProcess.run(["network", "set-dns", network, "--domain", "lab.example", "--server", "10.6.0.1",
                                         "--server", "fd00::53", "--home", root])
        #expect(set.status == 0 && set.stdout.contains("lab.example via 10.6.0.1, fd00::53"), "\(set.stdout)\(set.stderr)")
        struct DNSView: Decodable { struct Network: Decodable { var dnsDomain: String?; var dnsServers: [String]? }; var networks: [Network] }
        func memberDNS(_ name: String) throws -> DNSView.Network? {
            let result = try NetconProcess.run(["status", "--home", world.home(name).path, "--json"])
            return try JSONDecoder().decode(DNSView.self, from: Data(result.stdout.utf8)).networks.first
        }
        for name in ["m1", "m2"] {
            try world.waitUntil("\(name) to get the DNS") {
                try memberDNS(name)?.dnsDomain == "lab.example" && memberDNS(name)?.dnsServers == ["10.6.0.1", "fd00::53"]
            }
        }
        #expect(try NetconProcess.run(["status", "--home", world.home("m1").path]).stdout.contains("dns \(network): lab.example via"))
        #expect(try NetconProcess.run(["network", "show", network, "--home", root]).stdout.contains("lab.example via 10.6.0.1, fd00::53"))
        // Bad input is refused before anything changes.
        let bad = try NetconProcess.run(["network", "set-dns", network, "--server", "not-an-ip", "--home", root])
        #expect(bad.status == 64 && bad.stderr.contains("not an IP address"))
        #expect(try NetconProcess.run(["network", "set-dns", network, "--home", root]).status == 0)
        try world.waitUntil("m1 to lose the DNS") { try memberDNS("m1")?.dnsDomain == nil }
    }

    @Test func anUnknownPeerIsAClearTimeout() throws {
        let world = try World(members: ["m1"])
        try world.start("root")
        try world.start("m1")
        try world.waitUntil("m1 online") { try world.status("m1").online }
        let result = try world.ping(from: "m1", to: "m2")
        #expect(result.status == 68)
        #expect(result.stderr.contains("eddffe2b19"))
    }
}

/// HELLO from id1's address carrying the vectors' corrupted public key, authenticated with a key derived
/// from that bogus public key (so only the identity check can catch it).
func forgedHello(to destination: String) throws -> [UInt8] {
    let corrupted = try String(contentsOf: Vectors.directory.appendingPathComponent("identities/corrupted.public"), encoding: .utf8)
    let parts = corrupted.split(separator: ":")
    let address = Array(parts[0].utf8)
    let publicKey = hexBytes(String(parts[2]))
    var packet = [UInt8](repeating: 0, count: 8)  // packet ID
    packet += hexBytes(destination) + hexBytes(String(decoding: address, as: UTF8.self))
    packet += [0x00] + [UInt8](repeating: 0, count: 8) + [0x01]  // flags (cipher 0), MAC, verb HELLO
    packet += [11, 1, 14, 0, 1] + [UInt8](repeating: 0, count: 8)  // protocol, version, timestamp
    packet += hexBytes(String(decoding: address, as: UTF8.self)) + [0] + publicKey + [0]  // identity
    packet += [0]  // no destination endpoint
    return packet
}

func hexBytes(_ text: String) -> [UInt8] {
    var bytes = [UInt8]()
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

/// Finds a UDP port nothing listens on (bind to 0, read it, close).
func freeUDPPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestFailure("no free UDP port") }
    return UInt16(bigEndian: address.sin_port)
}

/// Sends raw datagrams to 127.0.0.1.
final class UDPClient {
    let fd: Int32
    init() throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
    }
    func send(_ bytes: [UInt8], toPort port: UInt16) throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let sent = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard sent == bytes.count else { throw TestFailure("sendto failed") }
    }
    deinit { close(fd) }
}

extension TemporaryHome {
    /// Installs one of the captured world's node identities (root, m1, m2) from the vectors.
    func installWorldIdentity(_ name: String) throws {
        let source = Vectors.directory.appendingPathComponent("world/\(name).secret")
        FileManager.default.createFile(atPath: path + "/identity.secret", contents: try Data(contentsOf: source),
                                       attributes: [.posixPermissions: 0o600])
    }
}
