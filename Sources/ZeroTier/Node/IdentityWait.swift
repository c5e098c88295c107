/// Packets held while the identity of their sender (inbound) or recipient (outbound) is fetched by WHOIS.
struct IdentityWait {
    static let maximumAddresses = 256
    static let maximumPacketsPerAddress = 32

    struct Entry {
        var firstRequested: Int64
        var lastRequested: Int64 = 0
        var attempts = 0
        var inbound: [(packet: Packet, from: InetEndpoint)] = []
        var outbound: [(verb: Verb, payload: [UInt8], encrypt: Bool, expectReply: Bool)] = []
        /// Endpoints a root told us to greet this peer at (RENDEZVOUS that came before its identity).
        var rendezvous: [InetEndpoint] = []
        var packetCount: Int { inbound.count + outbound.count }
    }

    private(set) var entries: [Address: Entry] = [:]

    /// Makes room for one more packet for `address`; false when the wait is full.
    mutating func admit(_ address: Address, now: Int64) -> Bool {
        if let entry = entries[address] { return entry.packetCount < Self.maximumPacketsPerAddress }
        guard entries.count < Self.maximumAddresses else { return false }
        entries[address] = Entry(firstRequested: now)
        return true
    }

    mutating func holdInbound(_ packet: Packet, from: InetEndpoint, for address: Address) {
        entries[address]?.inbound.append((packet, from))
    }

    mutating func holdOutbound(_ verb: Verb, _ payload: [UInt8], encrypt: Bool, expectReply: Bool, for address: Address) {
        entries[address]?.outbound.append((verb, payload, encrypt, expectReply))
    }

    mutating func holdRendezvous(_ endpoint: InetEndpoint, for address: Address) {
        guard entries[address]?.rendezvous.contains(endpoint) == false, (entries[address]?.rendezvous.count ?? 0) < 4 else { return }
        entries[address]?.rendezvous.append(endpoint)
    }

    /// Addresses whose WHOIS should be (re)sent now.
    func due(now: Int64) -> [Address] {
        entries.filter { $0.value.attempts < NodeTiming.whoisAttempts && now - $0.value.lastRequested >= NodeTiming.whoisRetry }.map(\.key)
    }

    mutating func noteRequested(_ address: Address, now: Int64) {
        entries[address]?.lastRequested = now
        entries[address]?.attempts += 1
    }

    /// Drops waits that have gone on too long; returns how many packets were given up.
    mutating func expire(now: Int64) -> Int {
        let stale = entries.filter { now - $0.value.firstRequested > NodeTiming.identityWait }
        for address in stale.keys { entries[address] = nil }
        return stale.values.reduce(0) { $0 + $1.packetCount }
    }

    mutating func take(_ address: Address) -> Entry? { entries.removeValue(forKey: address) }

    var nextDeadline: Int64? {
        entries.values.map { min($0.firstRequested + NodeTiming.identityWait, $0.lastRequested + NodeTiming.whoisRetry) }.min()
    }
}
