/// How ZeroTier's controller picks a member's IPv4 address from the network's pools (`EmbeddedNetworkController`,
/// `v4AssignMode.zt`), as a pure function: the same member gets the same address on every controller.
///
/// For each IPv4 pool in order (a pool starting at 0.0.0.0 or ending before it starts is skipped), the
/// candidates are `first + (n mod (last - first))` for n = the low 32 bits of the member's address, then
/// n+1, n+2, … — at most `maxTrials` of them, and no more than the pool has addresses. So `last` itself is
/// never chosen. Candidates ending in .255 are skipped. A candidate is taken if it is routed — it lies in the
/// first IPv4 route (prefix length above 0) whose target, as written, equals the candidate masked to that
/// length; that route's prefix length is the result's — and not already used on the network.
///
/// m1 `0f845b7051` gets 10.147.17.171/24 from 10.147.17.10–250 with route 10.147.17.0/24
/// (0x845b7051 mod 240 = 161), m2 `eddffe2b19` 10.147.17.195/24.
public enum IPv4PoolAllocator {
    /// ZeroTier gives up on a pool after this many candidates.
    public static let maxTrials = 1000

    /// The address for `member`, nil if no pool has a routed, unused one. `taken` holds every address
    /// already assigned on the network (to this member or any other).
    public static func pick(for member: Address, pools: [IPAssignmentPool], routes: [NetworkConfig.Route],
                            taken: Set<IPAddress>) -> IPPrefix? {
        for pool in pools {
            guard case let .v4(first) = pool.first, case let .v4(last) = pool.last else { continue }
            if let picked = pick(for: member, first: first, last: last, taken: taken, prefixLength: { routePrefixLength(of: $0, routes: routes) }) {
                return picked
            }
        }
        return nil
    }

    private static func pick(for member: Address, first: UInt32, last: UInt32, taken: Set<IPAddress>,
                             prefixLength: (IPAddress) -> UInt8?) -> IPPrefix? {
        guard first != 0, last >= first else { return nil }
        let span = last - first
        var counter = UInt32(truncatingIfNeeded: member.rawValue)
        for _ in 0..<min(UInt64(maxTrials), UInt64(span) + 1) {
            let candidate = span > 0 ? first + counter % span : first
            counter &+= 1
            guard candidate & 0xff != 0xff else { continue }
            let ip = IPAddress.v4(candidate)
            guard let length = prefixLength(ip), !taken.contains(ip) else { continue }
            return IPPrefix(ip: ip, prefixLength: length)
        }
        return nil
    }

    private static func routePrefixLength(of ip: IPAddress, routes: [NetworkConfig.Route]) -> UInt8? {
        // ZeroTier compares against the route target as written, host bits included, and stops at the first
        // IPv4 route that matches; a /0 route never matches there.
        routes.first { $0.target.ip.isIPv4 && $0.target.prefixLength > 0
                       && ip.masked(to: $0.target.prefixLength) == $0.target.ip }?.target.prefixLength
    }
}
