/// Allows an action at most once per interval for each key: here, identity verifications per source network,
/// so a flood of HELLOs with fresh identities cannot make the node burn CPU on memory-hard hashes.
struct RateGate<Key: Hashable> {
    let interval: Int64
    let capacity: Int
    private var last: [Key: Int64] = [:]

    init(interval: Int64, capacity: Int = 4096) {
        self.interval = interval
        self.capacity = capacity
    }

    mutating func allow(_ key: Key, now: Int64) -> Bool {
        if let previous = last[key], now - previous < interval { return false }
        if last.count >= capacity { last = last.filter { now - $0.value < interval } }
        last[key] = now
        return true
    }
}

extension InetEndpoint {
    /// The /24 (IPv4) or /64 (IPv6) an endpoint is in: the unit ZeroTier rate-limits identity checks by.
    var sourceNetwork: [UInt8] {
        let bytes = ip.bytes
        return bytes.count == 4 ? Array(bytes[0..<3]) : Array(bytes[0..<8])
    }
}
