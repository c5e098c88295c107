import Foundation
import Testing
import ZeroTier
@testable import Runtime

@Suite struct ControllerFileStoreTests {
    func homeWithZeroTierDatabase() throws -> NodeHome {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netcon-ctl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RuntimeVectors.directory.appendingPathComponent("session/controller.d").path,
                                         toPath: path + "/controller.d")
        return NodeHome(path: path)
    }

    @Test func readsZeroTierOnesControllerDatabase() throws {
        let home = try homeWithZeroTierDatabase()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        let store = ControllerFileStore(home: home)
        #expect(store.networks().map(\.id.description) == ["cf2daa94e4000001", "cf2daa94e4000002"])
        let network = try #require(store.network(NetworkID("cf2daa94e4000001")!))
        #expect(network.name == "ztw-private" && network.isPrivate && network.mtu == 2800 && network.multicastLimit == 32)
        #expect(network.ipv4Pools == [.init(first: 0x0a93_110a, last: 0x0a93_11fa)])
        #expect(network.routes.first?.prefixLength == 24)
        #expect(network.rfc4193 && !network.sixPlane && network.assignIPv4)
        let member = try #require(store.member(Address("0f845b7051")!, of: network.id))
        #expect(member.authorized)
        #expect(member.ipAssignments == [IPAddress("10.147.17.171")!])
        #expect(member.identity?.address == Address("0f845b7051")!)
        #expect(member.remoteVersion == SoftwareVersion(major: 1, minor: 14, revision: 1))
    }

    @Test func savesSurviveARestartOfTheStore() throws {
        let home = try homeWithZeroTierDatabase()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        let store = ControllerFileStore(home: home)
        let id = NetworkID("cf2daa94e4000002")!
        var member = ControllerMember(network: id, address: Address("eddffe2b19")!, authorized: true,
                                      ipAssignments: [IPAddress("10.147.18.195")!], creationTime: 5, lastRequestTime: 77)
        try store.save(member)
        member.authorized = false
        try store.save(member)
        let reopened = ControllerFileStore(home: home)
        #expect(reopened.member(member.address, of: id) == member)
        let mode = try FileManager.default.attributesOfItem(atPath: home.path + "/controller.d/network/\(id)/member/eddffe2b19.json")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try reopened.deleteNetwork(id)
        #expect(ControllerFileStore(home: home).network(id) == nil)
        #expect(ControllerFileStore(home: home).members(of: id).isEmpty)
    }
}
