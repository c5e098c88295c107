import Foundation
import Testing

/// `netcon network …` and `netcon member …` with and without a running daemon.
@Suite struct ControllerCommandTests {
    struct NetworkJSON: Decodable {
        var id: String
        var name: String
        var isPrivate: Bool
        var pools: [String]
        var routes: [String]
        var memberCount: Int
        var authorizedCount: Int
    }

    struct MemberJSON: Decodable {
        var address: String
        var authorized: Bool
        var ipAssignments: [String]
    }

    func createNetwork(_ home: TemporaryHome, _ extra: [String] = []) throws -> String {
        let result = try NetconProcess.run(["network", "create", "--home", home.path, "--name", "lab", "--pool", "10.5.0.0/24"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func networksAndMembersAreManagedWithoutADaemon() throws {
        let home = try TemporaryHome()
        try home.installIdentity("id1")
        let network = try createNetwork(home)
        #expect(network.count == 16 && network.hasPrefix("099fc4e1a0"))
        let show = try NetconProcess.run(["network", "show", network, "--home", home.path, "--json"])
        let info = try JSONDecoder().decode(NetworkJSON.self, from: Data(show.stdout.utf8))
        #expect(info.name == "lab" && info.isPrivate && info.pools == ["10.5.0.1-10.5.0.254"] && info.routes == ["10.5.0.0/24"])

        let authorize = try NetconProcess.run(["member", "authorize", network, "0f845b7051", "--home", home.path, "--json"])
        #expect(try JSONDecoder().decode(MemberJSON.self, from: Data(authorize.stdout.utf8)).authorized)
        let pinned = try NetconProcess.run(["member", "set-ip", network, "0f845b7051", "10.5.0.7", "--home", home.path])
        #expect(pinned.stdout.contains("10.5.0.7"))
        let clash = try NetconProcess.run(["member", "set-ip", network, "eddffe2b19", "10.5.0.7", "--home", home.path])
        #expect(clash.status == 64)
        #expect(clash.stderr.contains("already assigned"))
        let revoke = try NetconProcess.run(["member", "deauthorize", network, "0f845b7051", "--home", home.path])
        #expect(revoke.stdout.contains("not authorized"))

        let list = try NetconProcess.run(["member", "list", network, "--home", home.path, "--json"])
        let members = try JSONDecoder().decode([MemberJSON].self, from: Data(list.stdout.utf8))
        #expect(members.map(\.address) == ["0f845b7051"])
        // ZeroTier One's file layout, owner-only.
        let memberFile = "\(home.path)/controller.d/network/\(network)/member/0f845b7051.json"
        #expect(try FileManager.default.attributesOfItem(atPath: memberFile)[.posixPermissions] as? Int == 0o600)

        #expect(try NetconProcess.run(["network", "delete", network, "--home", home.path]).status == 0)
        #expect(try NetconProcess.run(["network", "show", network, "--home", home.path]).status == 67)
    }

    @Test func theRunningDaemonServesTheSameCommands() throws {
        let home = try TemporaryHome()
        try home.installIdentity("id2")
        let daemon = try NetconProcess.start(["run", "--home", home.path, "--port", "0"])
        try home.waitForDaemon(daemon)
        let network = try createNetwork(home, ["--disable-private", "--rfc4193"])
        let list = try NetconProcess.run(["network", "list", "--home", home.path, "--json"])
        let networks = try JSONDecoder().decode([NetworkJSON].self, from: Data(list.stdout.utf8))
        #expect(networks.map(\.id) == [network])
        #expect(networks.first?.isPrivate == false)
        #expect(try NetconProcess.run(["member", "authorize", network, "0f845b7051", "--home", home.path]).status == 0)
        daemon.signal(SIGTERM)
        #expect(try daemon.wait(timeout: 20).status == 0)
        // What the daemon wrote is there for the next start.
        let after = try NetconProcess.run(["member", "list", network, "--home", home.path, "--json"])
        #expect(after.stdout.contains("0f845b7051"))
    }

    @Test func badControllerInputIsAClearError() throws {
        let home = try TemporaryHome()
        try home.installIdentity("id3")
        #expect(try NetconProcess.run(["network", "create", "--home", home.path, "--pool", "10.0.0.0/33"]).status == 64)
        #expect(try NetconProcess.run(["network", "create", "--home", home.path, "--mtu", "100"]).status == 64)
        let foreign = try NetconProcess.run(["member", "list", "8056c2e21c000001", "--home", home.path])
        #expect(foreign.status == 67)
        #expect(foreign.stderr.contains("belongs to controller 8056c2e21c"))
        #expect(try NetconProcess.run(["member", "authorize", "8056c2e21c000001", "nothex", "--home", home.path]).status == 64)
    }
}
