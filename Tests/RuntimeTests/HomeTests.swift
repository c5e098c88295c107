import Foundation
import Testing
import ZeroTier
@testable import Runtime

@Suite struct HomeTests {
    func temporaryHome() throws -> NodeHome {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netcon-home-\(UUID().uuidString)").path
        return NodeHome(path: path)
    }

    @Test func defaultHomeFollowsTheEnvironment() {
        #expect(NodeHome.resolve(explicit: "/x/", environment: ["NETCON_HOME": "/y"]).path == "/x")
        #expect(NodeHome.resolve(explicit: nil, environment: ["NETCON_HOME": "/y"]).path == "/y")
        if getuid() == 0 {
            #expect(NodeHome.resolve(explicit: nil, environment: ["XDG_STATE_HOME": "/s"]).path == "/var/lib/netcon")
        } else {
            #expect(NodeHome.resolve(explicit: nil, environment: ["XDG_STATE_HOME": "/s"]).path == "/s/netcon")
            #expect(NodeHome.resolve(explicit: nil, environment: ["HOME": "/h"]).path == "/h/.local/state/netcon")
        }
    }

    @Test func prepareCreatesAPrivateLayout() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        try home.prepare()
        let mode = try FileManager.default.attributesOfItem(atPath: home.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        #expect(FileManager.default.fileExists(atPath: home.networksDirectory))
        #expect(FileManager.default.fileExists(atPath: home.moonsDirectory))
    }

    @Test func atomicWritesReplaceWholeFilesWithTheRequestedMode() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        try home.prepare()
        let path = home.path + "/file"
        try HomeFile.writeAtomically(path, Array("first".utf8), mode: 0o600)
        try HomeFile.writeAtomically(path, Array("second".utf8), mode: 0o600)
        #expect(try HomeFile.read(path) == Array("second".utf8))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try HomeFile.list(home.path) == ["file", "moons.d", "networks.d"])
        #expect(try HomeFile.read(home.path + "/missing") == nil)
        #expect(try HomeFile.remove(path))
        #expect(try !HomeFile.remove(path))
    }

    @Test func joinedNetworksUseZeroTierFileNames() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        let networks = JoinedNetworks(home: home)
        let a = NetworkID("8056c2e21c000001")!
        let b = NetworkID("cf2daa94e4000002")!
        #expect(try networks.join(a))
        #expect(try !networks.join(a))
        #expect(try networks.join(b))
        // ZeroTier One's own files sit beside ours and are not networks.
        FileManager.default.createFile(atPath: home.networksDirectory + "/\(b).local.conf", contents: Data("allowManaged=1\n".utf8))
        FileManager.default.createFile(atPath: home.networksDirectory + "/notes.txt", contents: Data())
        #expect(try networks.list() == [a, b])
        #expect(try networks.cachedConfig(a) == nil)
        try networks.storeConfig(a, Array("v=7\n".utf8))
        #expect(try networks.cachedConfig(a) == Array("v=7\n".utf8))
        #expect(try networks.leave(b))
        #expect(!FileManager.default.fileExists(atPath: home.networksDirectory + "/\(b).local.conf"))
        #expect(try !networks.leave(b))
        #expect(try networks.list() == [a])
    }

    @Test func theHomeLockIsExclusive() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        try home.prepare()
        #expect(!HomeLock.isHeld(home))
        let lock = try HomeLock.acquire(home)
        #expect(HomeLock.isHeld(home))
        #expect(HomeLock.holderPID(of: home) == getpid())
        #expect(throws: NetconError.alreadyRunning(home: home.path, pid: getpid())) { try HomeLock.acquire(home) }
        lock.release()
        #expect(!HomeLock.isHeld(home))
        try HomeLock.acquire(home).release()
    }

    @Test func aZeroTierOneIdentityIsUsedAsIs() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        try home.prepare()
        let secret = try Data(contentsOf: RuntimeVectors.directory.appendingPathComponent("identities/id1.secret"))
        FileManager.default.createFile(atPath: home.identitySecret, contents: secret, attributes: [.posixPermissions: 0o600])
        var generated = false
        let identity = try IdentityStore(home: home).loadOrCreate(onGenerationStart: { generated = true })
        #expect(!generated)
        #expect(identity.address == Address("099fc4e1a0")!)
        let publicFile = try String(contentsOfFile: home.identityPublic, encoding: .utf8)
        let expected = try String(contentsOf: RuntimeVectors.directory.appendingPathComponent("identities/id1.public"), encoding: .utf8)
        #expect(publicFile == expected)
        #expect(try Data(contentsOf: URL(fileURLWithPath: home.identitySecret)) == secret)
    }

    @Test func aCorruptedIdentityIsRefusedAndKept() throws {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        try home.prepare()
        FileManager.default.createFile(atPath: home.identitySecret, contents: Data("not an identity".utf8))
        #expect(throws: NetconError.self) { try IdentityStore(home: home).loadOrCreate() }
        #expect(try String(contentsOfFile: home.identitySecret, encoding: .utf8) == "not an identity")
    }
}

enum RuntimeVectors {
    static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["NETCON_VECTORS"] { return URL(fileURLWithPath: override) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/vectors/zerotier")
    }
}
