/// How ZeroTier's controller picks a member's IPv6 address from the network's pools (`v6AssignMode.zt`;
/// the rfc4193 and 6plane addresses are computed instead, see `IPPrefix.rfc4193`).
///
/// For each IPv6 pool in order, the first candidate is `first` plus the member's address in the low 64 bits
/// when the pool's low halves span at least 2⁴⁰ − 1 (deterministic); every other candidate is random within
/// the pool, each 64-bit half drawn separately as ZeroTier does. A candidate is taken if it is routed — the
/// last gateway-less IPv6 route whose target, as written, equals the candidate masked to its length decides,
/// and a /0 there counts as unrouted — and not already used on the network.
public enum IPv6PoolAllocator {
    /// ZeroTier gives up on a pool after this many candidates.
    public static let maxTrials = 1000

    public static func pick<Generator: RandomNumberGenerator>(for member: Address, pools: [IPAssignmentPool],
                                                            routes: [NetworkConfig.Route], taken: Set<IPAddress>,
                                                            using generator: inout Generator) -> IPPrefix? {
        for pool in pools {
            guard case let .v6(startHigh, startLow) = pool.first, case let .v6(endHigh, endLow) = pool.last else { continue }
            for trial in 0..<maxTrials {
                let ip: IPAddress
                if trial == 0, endLow > startLow, endLow - startLow >= 0xff_ffff_ffff {
                    ip = .v6(high: startHigh, low: startLow &+ member.rawValue)
                } else {
                    let high = endHigh > startHigh ? generator.next() % (endHigh - startHigh) : 0
                    let low = endLow > startLow ? generator.next() % (endLow - startLow) : 0
                    ip = .v6(high: startHigh &+ high, low: startLow &+ low)
                }
                let prefixLength = routes.last { $0.via == nil && !$0.target.ip.isIPv4
                                                 && ip.masked(to: $0.target.prefixLength) == $0.target.ip }?
                    .target.prefixLength ?? 0
                if prefixLength > 0, !taken.contains(ip) { return IPPrefix(ip: ip, prefixLength: prefixLength) }
            }
        }
        return nil
    }
}
