extension RPCAddress {
    /// Whether the address lies in `network`/`prefixLength` (a route's prefix); never across families.
    public func isWithin(_ network: RPCAddress, prefixLength: UInt8) -> Bool {
        let mine = bytes, theirs = network.bytes
        guard mine.count == theirs.count else { return false }
        var remaining = Int(prefixLength)
        for (a, b) in zip(mine, theirs) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xff : ~(0xff >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }
}
