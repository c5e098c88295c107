/// Who wants which multicast groups on which network, learned from MULTICAST_LIKE and OK(MULTICAST_GATHER).
/// Entries expire like ZeroTier's (10 minutes without a renewed LIKE).
struct MulticastSubscriptions {
    static let expiration: Int64 = 600_000
    static let maximumPerGroup = 4096

    private var members: [NetworkID: [MulticastGroup: [Address: Int64]]] = [:]

    mutating func add(_ member: Address, to group: MulticastGroup, on network: NetworkID, now: Int64) {
        var table = members[network, default: [:]][group, default: [:]]
        guard table[member] != nil || table.count < Self.maximumPerGroup else { return }
        table[member] = now
        members[network, default: [:]][group] = table
    }

    func members(of group: MulticastGroup, on network: NetworkID, now: Int64) -> [Address] {
        (members[network]?[group] ?? [:]).filter { now - $0.value < Self.expiration }
            .sorted { $0.value > $1.value }.map(\.key)
    }

    mutating func expire(now: Int64) {
        for (network, groups) in members {
            var kept = groups.mapValues { $0.filter { now - $0.value < Self.expiration } }
            kept = kept.filter { !$0.value.isEmpty }
            members[network] = kept.isEmpty ? nil : kept
        }
    }
}
