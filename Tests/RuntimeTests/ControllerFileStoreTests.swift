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
        #expect(network.dns == nil)  // ZeroTier's "dns": [] until it is set
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

    /// A network's DNS is kept as ZeroTier One's controller keeps it: `"dns": {"domain": …, "servers": […]}`.
    @Test func dnsIsStoredInZeroTiersShapeAndReadBack() throws {
        let home = try homeWithZeroTierDatabase()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        let store = ControllerFileStore(home: home)
        var network = try #require(store.network(NetworkID("cf2daa94e4000001")!))
        network.dns = NetworkConfig.DNS(domain: "lab.example", servers: [IPAddress("10.147.17.1")!, IPAddress("fd00::53")!])
        try store.save(network)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: home.path + "/controller.d/network/cf2daa94e4000001.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let dns = try #require(object["dns"] as? [String: Any])
        #expect(dns["domain"] as? String == "lab.example")
        #expect(dns["servers"] as? [String] == ["10.147.17.1", "fd00::53"])
        #expect(ControllerFileStore(home: home).network(network.id)?.dns == network.dns)
        network.dns = nil
        try store.save(network)
        let cleared = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: home.path
            + "/controller.d/network/cf2daa94e4000001.json"))) as? [String: Any]
        #expect((cleared?["dns"] as? [Any])?.isEmpty == true)
    }

    /// Member names are DNS labels, unique in their network, kept in the member's record.
    @Test func membersGetUniqueDNSLabelsAsNames() throws {
        let home = try homeWithZeroTierDatabase()
        defer { try? FileManager.default.removeItem(atPath: home.path) }
        let service = ControllerService(controller: Address("cf2daa94e4")!, store: ControllerFileStore(home: home))
        let network = NetworkID("cf2daa94e4000001")!
        let m1 = Address("0f845b7051")!, m2 = Address("eddffe2b19")!
        #expect(try service.setName(m1, on: network, "Web-1", now: 1).name == "web-1")
        #expect(ControllerFileStore(home: home).member(m1, of: network)?.name == "web-1")
        #expect(ControllerFileStore(home: home).member(m1, of: network)?.authorized == true, "naming changed nothing else")
        for bad in ["-web", "web-", "a.b", "über", String(repeating: "a", count: 64)] {
            #expect(throws: NetconError.self, "\(bad)") { try service.setName(m2, on: network, bad, now: 1) }
        }
        #expect(throws: NetconError.invalidArgument("0f845b7051 is already named web-1 on cf2daa94e4000001")) {
            try service.setName(m2, on: network, "web-1", now: 1)
        }
        #expect(try service.setName(m1, on: network, "", now: 1).name == nil)
        #expect(try service.setName(m2, on: network, "web-1", now: 1).name == "web-1")
    }
}
