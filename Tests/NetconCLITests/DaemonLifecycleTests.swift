import Foundation
import Testing

/// Starts real `netcon run` daemons and drives them with the real CLI.
@Suite(.serialized) struct DaemonLifecycleTests {
    static let network = "8056c2e21c000001"

    struct StatusJSON: Decodable {
        struct Network: Decodable {
            var id: String
            var state: String
            var mac: String
        }

        var address: String
        var running: Bool
        var port: UInt16?
        var networks: [Network]
    }

    func status(_ home: TemporaryHome) throws -> (NetconProcess.Result, StatusJSON) {
        let result = try NetconProcess.run(["status", "--home", home.path, "--json"])
        let decoded = try JSONDecoder().decode(StatusJSON.self, from: Data(result.stdout.utf8))
        return (result, decoded)
    }

    @Test func joinStatusLeaveAndCleanShutdown() throws {
        let home = try TemporaryHome()
        try home.installIdentity("id1")
        let daemon = try NetconProcess.start(["run", "--home", home.path, "--port", "0", "--log-level", "debug"])
        try home.waitForDaemon(daemon)

        let join = try NetconProcess.run(["join", Self.network, "--home", home.path, "--timeout", "0"])
        #expect(join.status == 0, "\(join.stderr)")
        #expect(join.stdout.contains("joined \(Self.network)"))
        #expect(FileManager.default.fileExists(atPath: "\(home.path)/networks.d/\(Self.network).conf"))

        let (result, joined) = try status(home)
        #expect(result.status == 0)
        #expect(joined.running)
        #expect(joined.address == "099fc4e1a0")
        #expect((joined.port ?? 0) != 0)
        #expect(joined.networks.map(\.id) == [Self.network])
        #expect(joined.networks.first?.state == "REQUESTING_CONFIGURATION")
        // ZeroTier's MAC for 099fc4e1a0 on 8056c2e21c000001.
        #expect(joined.networks.first?.mac == "02:09:9f:d8:03:62")

        let text = try NetconProcess.run(["status", "--home", home.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("099fc4e1a0"))
        #expect(text.stdout.contains(Self.network))

        let leave = try NetconProcess.run(["leave", Self.network, "--home", home.path])
        #expect(leave.status == 0)
        #expect(leave.stdout.contains("left \(Self.network)"))
        #expect(!FileManager.default.fileExists(atPath: "\(home.path)/networks.d/\(Self.network).conf"))
        #expect(try status(home).1.networks.isEmpty)

        daemon.signal(SIGTERM)
        let exit = try daemon.wait(timeout: 20)
        #expect(exit.status == 0, "\(exit.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.path + "/control.sock"))
    }

    @Test func networksJoinedWhileStoppedAreRejoinedOnStart() throws {
        let home = try TemporaryHome()
        try home.installIdentity("id2")
        let offlineJoin = try NetconProcess.run(["join", Self.network, "--home", home.path])
        #expect(offlineJoin.status == 0)
        #expect(offlineJoin.stdout.contains("not running"))

        let offline = try status(home)
        #expect(offline.0.status == 1)
        #expect(!offline.1.running)
        #expect(offline.1.address == "47292b07fb")
        #expect(offline.1.networks.map(\.id) == [Self.network])

        let daemon = try NetconProcess.start(["run", "--home", home.path, "--port", "0"])
        try home.waitForDaemon(daemon)
        let online = try status(home)
        #expect(online.1.running)
        #expect(online.1.networks.first?.state == "REQUESTING_CONFIGURATION")
        daemon.signal(SIGINT)
        #expect(try daemon.wait(timeout: 20).status == 0)
    }

    @Test func secondDaemonOnTheSameHomeIsRefused() throws {
        let home = try TemporaryHome()
        try home.installIdentity("id3")
        let first = try NetconProcess.start(["run", "--home", home.path, "--port", "0"])
        try home.waitForDaemon(first)
        let second = try NetconProcess.run(["run", "--home", home.path, "--port", "0"], timeout: 30)
        #expect(second.status == 75)
        #expect(second.stderr.contains("already running"))
        #expect(second.stderr.contains("pid \(first.pid)"))
        // The first daemon is unaffected.
        #expect(try status(home).1.running)
        first.signal(SIGTERM)
        #expect(try first.wait(timeout: 20).status == 0)
    }

    @Test func firstStartGeneratesAnIdentityWithPrivateFiles() throws {
        let home = try TemporaryHome()
        let nested = home.path + "/nested/node"
        // Joining creates the home (owner-only) even before the first start.
        #expect(try NetconProcess.run(["join", Self.network, "--home", nested]).status == 0)
        let createdMode = try FileManager.default.attributesOfItem(atPath: nested)[.posixPermissions] as? Int
        #expect(createdMode == 0o700)
        try FileManager.default.copyItem(atPath: home.path + "/planet", toPath: nested + "/planet")
        let daemon = try NetconProcess.start(["run", "--home", nested, "--port", "0"])
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: nested + "/control.sock") && Date() < deadline && daemon.process.isRunning {
            usleep(50_000)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: nested + "/identity.secret")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let socketAttributes = try FileManager.default.attributesOfItem(atPath: nested + "/control.sock")
        #expect((socketAttributes[.posixPermissions] as? Int) == 0o600)
        let secret = try String(contentsOfFile: nested + "/identity.secret", encoding: .utf8)
        let publicText = try String(contentsOfFile: nested + "/identity.public", encoding: .utf8)
        #expect(secret.split(separator: ":").count == 4)
        #expect(secret.hasPrefix(publicText))
        daemon.signal(SIGTERM)
        let exit = try daemon.wait(timeout: 20)
        #expect(exit.status == 0)
        #expect(exit.stdout.contains("generating a new identity"))

        // A restart keeps the same identity.
        let again = try NetconProcess.start(["run", "--home", nested, "--port", "0"])
        try TemporaryHomeView(path: nested).waitForSocket(again)
        let status = try NetconProcess.run(["status", "--home", nested, "--json"])
        #expect(status.stdout.contains(String(secret.prefix(10))))
        again.signal(SIGTERM)
        #expect(try again.wait(timeout: 20).status == 0)
    }

    @Test func withoutAPrivatePlanetTheDaemonRefusesToReachThePublicRoots() throws {
        let home = try TemporaryHome(planet: nil)
        try home.installIdentity("id1")
        let result = try NetconProcess.run(["run", "--home", home.path, "--port", "0"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("NETCON_FORBID_DEFAULT_PLANET"))
    }

    @Test func corruptedIdentityIsRefusedAndLeftUntouched() throws {
        let home = try TemporaryHome()
        let corrupted = try Data(contentsOf: Vectors.directory.appendingPathComponent("identities/id1.secret"))
        var bytes = [UInt8](corrupted)
        // Flip the first hex digit of the public key, as identities/corrupted.public does.
        bytes[13] = bytes[13] == UInt8(ascii: "c") ? UInt8(ascii: "d") : UInt8(ascii: "c")
        FileManager.default.createFile(atPath: home.path + "/identity.secret", contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        let result = try NetconProcess.run(["run", "--home", home.path, "--port", "0"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("identity"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: home.path + "/identity.secret")) == Data(bytes))
    }

    @Test func controlSocketOwnedBySomeoneElseIsRefused() throws {
        guard getuid() == 0 else { return }  // only root can give a socket to another user
        let home = try TemporaryHome()
        try home.installIdentity("id4")
        let daemon = try NetconProcess.start(["run", "--home", home.path, "--port", "0"])
        try home.waitForDaemon(daemon)
        #expect(chown(home.path + "/control.sock", 65534, 65534) == 0)
        let result = try NetconProcess.run(["status", "--home", home.path])
        #expect(result.status == 77)
        #expect(result.stderr.contains("owned by uid 65534"))
        daemon.signal(SIGTERM)
        #expect(try daemon.wait(timeout: 20).status == 0)
    }

    @Test func malformedControlMessagesDoNotHurtTheDaemon() throws {
        let home = try TemporaryHome()
        try home.installIdentity("id5")
        let daemon = try NetconProcess.start(["run", "--home", home.path, "--port", "0"])
        try home.waitForDaemon(daemon)
        let socketPath = home.path + "/control.sock"
        let garbage: [[UInt8]] = [
            [0, 0, 0, 5] + Array("hello".utf8),
            [0xff, 0xff, 0xff, 0xff],
            [0, 0, 0, 30] + Array(#"{"version":99,"body":"status"}"#.utf8),
            [0, 0, 0, 2] + Array("{}".utf8),
            [1, 2, 3],
        ]
        for message in garbage {
            let reply = try RawControlSocket.exchange(path: socketPath, bytes: message)
            if message.count > 4 && message[3] == 30 {
                #expect(reply.contains("unsupportedVersion"))
            }
        }
        #expect(try status(home).1.running)
        daemon.signal(SIGTERM)
        #expect(try daemon.wait(timeout: 20).status == 0)
    }
}

/// Minimal view of a home path that is not owned by the test (for nested homes).
struct TemporaryHomeView {
    let path: String

    func waitForSocket(_ daemon: NetconProcess.Running, timeout: TimeInterval = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path + "/control.sock") { return }
            guard daemon.process.isRunning else { throw TestFailure("daemon exited early") }
            usleep(20_000)
        }
        throw TestFailure("no control socket after \(timeout) s")
    }
}

/// Writes raw bytes to a control socket and returns whatever comes back before the daemon hangs up.
enum RawControlSocket {
    static func exchange(path: String, bytes: [UInt8]) throws -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect failed") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        shutdown(fd, Int32(SHUT_WR))
        var reply = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            reply += chunk[0..<count]
        }
        return String(decoding: reply, as: UTF8.self)
    }
}
