/// Where a controller keeps its networks and members. The engine stays pure: the daemon provides a
/// store on disk, tests an in-memory one. Saves must be durable before they return.
public protocol ControllerStore: AnyObject {
    func network(_ id: NetworkID) -> ControllerNetwork?
    func networks() -> [ControllerNetwork]
    func member(_ address: Address, of network: NetworkID) -> ControllerMember?
    func members(of network: NetworkID) -> [ControllerMember]
    func save(_ network: ControllerNetwork) throws
    func save(_ member: ControllerMember) throws
    func deleteNetwork(_ id: NetworkID) throws
}

/// A store in memory, for tests and for nodes that do not persist (the selftest's throwaway world).
public final class InMemoryControllerStore: ControllerStore {
    private var networkTable: [NetworkID: ControllerNetwork] = [:]
    private var memberTable: [NetworkID: [Address: ControllerMember]] = [:]

    public init() {}

    public func network(_ id: NetworkID) -> ControllerNetwork? { networkTable[id] }
    public func networks() -> [ControllerNetwork] { networkTable.values.sorted { $0.id < $1.id } }
    public func member(_ address: Address, of network: NetworkID) -> ControllerMember? { memberTable[network]?[address] }
    public func members(of network: NetworkID) -> [ControllerMember] {
        (memberTable[network] ?? [:]).values.sorted { $0.address < $1.address }
    }
    public func save(_ network: ControllerNetwork) { networkTable[network.id] = network }
    public func save(_ member: ControllerMember) { memberTable[member.network, default: [:]][member.address] = member }
    public func deleteNetwork(_ id: NetworkID) {
        networkTable[id] = nil
        memberTable[id] = nil
    }
}
