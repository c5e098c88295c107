import Glibc
import FoundationEssentials
import ControlPlane
import ZeroTier

/// The controller database in `<home>/controller.d`, laid out as ZeroTier One's file database:
/// `network/<nwid>.json` and `network/<nwid>/member/<address>.json`. Every save is an atomic rename,
/// so a kill -9 at any moment leaves either the old or the new record, never a torn one.
/// Records are cached in memory after the first read; the daemon is the only writer.
public final class ControllerFileStore: ControllerStore {
    let root: String
    private var networkCache: [NetworkID: ControllerNetwork]?
    private var memberCache: [NetworkID: [Address: ControllerMember]] = [:]

    public init(home: NodeHome) {
        root = home.path + "/controller.d/network"
    }

    private func networkPath(_ id: NetworkID) -> String { "\(root)/\(id).json" }
    private func memberDirectory(_ id: NetworkID) -> String { "\(root)/\(id)/member" }

    public func networks() -> [ControllerNetwork] {
        loadNetworks().values.sorted { $0.id < $1.id }
    }

    public func network(_ id: NetworkID) -> ControllerNetwork? { loadNetworks()[id] }

    public func member(_ address: Address, of network: NetworkID) -> ControllerMember? { loadMembers(network)[address] }

    public func members(of network: NetworkID) -> [ControllerMember] {
        loadMembers(network).values.sorted { $0.address < $1.address }
    }

    public func save(_ network: ControllerNetwork) throws {
        try makeDirectories(memberDirectory(network.id))
        try HomeFile.writeAtomically(networkPath(network.id), encode(NetworkRecord(network)), mode: 0o600)
        var cache = loadNetworks()
        cache[network.id] = network
        networkCache = cache
    }

    public func save(_ member: ControllerMember) throws {
        try makeDirectories(memberDirectory(member.network))
        try HomeFile.writeAtomically("\(memberDirectory(member.network))/\(member.address).json", encode(MemberRecord(member)), mode: 0o600)
        var members = loadMembers(member.network)
        members[member.address] = member
        memberCache[member.network] = members
    }

    public func deleteNetwork(_ id: NetworkID) throws {
        for name in try HomeFile.list(memberDirectory(id)) { try HomeFile.remove("\(memberDirectory(id))/\(name)") }
        rmdir(memberDirectory(id))
        rmdir("\(root)/\(id)")
        try HomeFile.remove(networkPath(id))
        networkCache?[id] = nil
        memberCache[id] = nil
    }

    private func loadNetworks() -> [NetworkID: ControllerNetwork] {
        if let networkCache { return networkCache }
        var loaded = [NetworkID: ControllerNetwork]()
        let names = (try? HomeFile.list(root)) ?? []
        removeUnfinishedWrites(in: root, names)
        for name in names where name.hasSuffix(".json") {
            guard let bytes = try? HomeFile.read("\(root)/\(name)"),
                  let record = try? JSONDecoder().decode(NetworkRecord.self, from: Data(bytes)),
                  let network = try? record.model() else { continue }
            loaded[network.id] = network
        }
        networkCache = loaded
        return loaded
    }

    private func loadMembers(_ network: NetworkID) -> [Address: ControllerMember] {
        if let cached = memberCache[network] { return cached }
        var loaded = [Address: ControllerMember]()
        let directory = memberDirectory(network)
        let names = (try? HomeFile.list(directory)) ?? []
        removeUnfinishedWrites(in: directory, names)
        for name in names where name.hasSuffix(".json") {
            guard let bytes = try? HomeFile.read("\(directory)/\(name)"),
                  let record = try? JSONDecoder().decode(MemberRecord.self, from: Data(bytes)),
                  let member = try? record.model() else { continue }
            loaded[member.address] = member
        }
        memberCache[network] = loaded
        return loaded
    }

    /// A write the daemon was killed in the middle of leaves its temporary file (the record itself is whole):
    /// the first read after a start removes them. Only the daemon holding the home's lock writes here.
    private func removeUnfinishedWrites(in directory: String, _ names: [String]) {
        for name in names where name.contains(".json.tmp.") { _ = try? HomeFile.remove("\(directory)/\(name)") }
    }

    private func encode<Record: Encodable>(_ record: Record) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(record))
    }

    private func makeDirectories(_ path: String) throws(NetconError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if access(current, F_OK) != 0 && mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw .io(path: current, errno: .init(rawValue: errno))
            }
        }
    }
}
