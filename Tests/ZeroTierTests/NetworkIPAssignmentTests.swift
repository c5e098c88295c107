import Foundation
import Testing
@testable import ZeroTier

@Suite struct NetworkIPAssignmentTests {
    @Test func rfc4193MatchesTheCapturedAddresses() throws {
        let network = NetworkVectors.privateNetwork
        #expect(IPPrefix.rfc4193(network: network, member: Address("0f845b7051")!).description
            == "fdcf:2daa:94e4:0:199:930f:845b:7051/88")
        #expect(IPPrefix.rfc4193(network: network, member: Address("eddffe2b19")!).description
            == "fdcf:2daa:94e4:0:199:93ed:dffe:2b19/88")
        for name in NetworkVectors.confNames where name.hasSuffix("000001.conf") {
            let config = try NetworkConfig(decoding: try NetworkVectors.confBytes(name))
            #expect(config.assignedIPv6 == [IPPrefix.rfc4193(network: config.networkID, member: config.issuedTo)])
        }
    }

    @Test func sixPlaneFoldsTheNetworkID() {
        // cf2daa94e4000001: folded = 0xe4000001 ^ 0xcf2daa94 = 0x2b2daa95.
        let prefix = IPPrefix.sixPlane(network: NetworkVectors.privateNetwork, member: Address("0f845b7051")!)
        #expect(prefix.description == "fc2b:2daa:950f:845b:7051::1/40")
        #expect(prefix.prefixLength == 40)
        #expect(prefix.ip.bytes == [0xfc, 0x2b, 0x2d, 0xaa, 0x95, 0x0f, 0x84, 0x5b, 0x70, 0x51, 0, 0, 0, 0, 0, 1])
    }

    static let pools = [IPAssignmentPool(first: IPAddress("10.147.17.10")!, last: IPAddress("10.147.17.250")!)]
    static let routes = [NetworkConfig.Route(target: IPPrefix("10.147.17.0/24")!)]

    @Test func ipv4PoolGivesTheCapturedAddresses() throws {
        #expect(IPv4PoolAllocator.pick(for: Address("0f845b7051")!, pools: Self.pools, routes: Self.routes, taken: [])?
            .description == "10.147.17.171/24")
        #expect(IPv4PoolAllocator.pick(for: Address("eddffe2b19")!, pools: Self.pools, routes: Self.routes, taken: [])?
            .description == "10.147.17.195/24")
        let publicPools = [IPAssignmentPool(first: IPAddress("10.147.18.10")!, last: IPAddress("10.147.18.250")!)]
        let publicRoutes = [NetworkConfig.Route(target: IPPrefix("10.147.18.0/24")!)]
        #expect(IPv4PoolAllocator.pick(for: Address("0f845b7051")!, pools: publicPools, routes: publicRoutes, taken: [])?
            .description == "10.147.18.171/24")
        #expect(IPv4PoolAllocator.pick(for: Address("eddffe2b19")!, pools: publicPools, routes: publicRoutes, taken: [])?
            .description == "10.147.18.195/24")
        // And they are what the controller stored for the members.
        for name in NetworkVectors.confNames {
            let config = try NetworkConfig(decoding: try NetworkVectors.confBytes(name))
            let pools = config.networkID == NetworkVectors.privateNetwork ? Self.pools : publicPools
            #expect(IPv4PoolAllocator.pick(for: config.issuedTo, pools: pools, routes: config.routes, taken: [])
                    .map { [$0] } == config.assignedIPv4)
        }
    }

    @Test func ipv4PoolProbesPastUsedAddresses() throws {
        let m1 = Address("0f845b7051")!
        let used: Set<IPAddress> = [IPAddress("10.147.17.171")!, IPAddress("10.147.17.172")!]
        #expect(IPv4PoolAllocator.pick(for: m1, pools: Self.pools, routes: Self.routes, taken: used)?.description == "10.147.17.173/24")
        // Wraps around inside the pool: 171 + 79 = 250 is never a candidate (last - first is the modulus).
        var all = Set((10...249).map { IPAddress("10.147.17.\($0)")! })
        #expect(IPv4PoolAllocator.pick(for: m1, pools: Self.pools, routes: Self.routes, taken: all) == nil)
        all.remove(IPAddress("10.147.17.12")!)
        #expect(IPv4PoolAllocator.pick(for: m1, pools: Self.pools, routes: Self.routes, taken: all)?.description == "10.147.17.12/24")
        // Never a used address, for many members and a crowded pool.
        var generator = SplitMix64(seed: 9)
        var taken = Set<IPAddress>()
        for _ in 0..<240 {
            let member = Address(rawValue: generator.next() & 0xff_ffff_ffff)!
            let ip = try #require(IPv4PoolAllocator.pick(for: member, pools: Self.pools, routes: Self.routes, taken: taken))
            #expect(!taken.contains(ip.ip) && Self.pools[0].contains(ip.ip))
            taken.insert(ip.ip)
        }
        #expect(IPv4PoolAllocator.pick(for: m1, pools: Self.pools, routes: Self.routes, taken: taken) == nil)
    }

    @Test func ipv4PoolNeedsARouteAndSkipsDotTwoFiftyFive() {
        let m1 = Address("0f845b7051")!
        #expect(IPv4PoolAllocator.pick(for: m1, pools: Self.pools, routes: [], taken: []) == nil)
        #expect(IPv4PoolAllocator.pick(for: m1, pools: Self.pools, routes: [NetworkConfig.Route(target: IPPrefix("0.0.0.0/0")!)], taken: []) == nil)
        // A route written with host bits never matches (ZeroTier compares against the target as written).
        #expect(IPv4PoolAllocator.pick(for: m1, pools: Self.pools, routes: [NetworkConfig.Route(target: IPPrefix("10.147.17.1/24")!)], taken: []) == nil)
        // The first matching route gives the prefix length.
        let routes = [NetworkConfig.Route(target: IPPrefix("10.147.0.0/16")!), NetworkConfig.Route(target: IPPrefix("10.147.17.0/24")!)]
        #expect(IPv4PoolAllocator.pick(for: m1, pools: Self.pools, routes: routes, taken: [])?.description == "10.147.17.171/16")
        // A one-address pool ending in .255 gives nothing; pools starting at 0.0.0.0 or reversed are skipped.
        let broadcast = [IPAssignmentPool(first: IPAddress("10.147.17.255")!, last: IPAddress("10.147.17.255")!)]
        #expect(IPv4PoolAllocator.pick(for: m1, pools: broadcast, routes: Self.routes, taken: []) == nil)
        let skipped = [IPAssignmentPool(first: IPAddress("0.0.0.0")!, last: IPAddress("10.147.17.250")!),
                       IPAssignmentPool(first: IPAddress("10.147.17.250")!, last: IPAddress("10.147.17.10")!),
                       IPAssignmentPool(first: IPAddress("10.147.17.7")!, last: IPAddress("10.147.17.7")!)]
        #expect(IPv4PoolAllocator.pick(for: m1, pools: skipped, routes: Self.routes, taken: [])?.description == "10.147.17.7/24")
    }

    @Test func ipv6PoolPutsTheAddressInTheLowBitsFirst() throws {
        let pools = [IPAssignmentPool(first: IPAddress("fd00:1:2:3::")!, last: IPAddress("fd00:1:2:3:ffff:ffff:ffff:ffff")!)]
        let routes = [NetworkConfig.Route(target: IPPrefix("fd00:1:2:3::/64")!)]
        var generator = SplitMix64(seed: 1)
        let m1 = Address("0f845b7051")!
        #expect(IPv6PoolAllocator.pick(for: m1, pools: pools, routes: routes, taken: [], using: &generator)?.description
            == "fd00:1:2:3:0:f:845b:7051/64")
        let used: Set<IPAddress> = [IPAddress("fd00:1:2:3::f:845b:7051")!]
        let other = try #require(IPv6PoolAllocator.pick(for: m1, pools: pools, routes: routes, taken: used, using: &generator))
        #expect(other.prefixLength == 64 && !used.contains(other.ip) && routes[0].target.contains(other.ip))
        #expect(IPv6PoolAllocator.pick(for: m1, pools: pools, routes: [], taken: [], using: &generator) == nil)
    }
}

extension IPAssignmentPool {
    func contains(_ ip: IPAddress) -> Bool {
        guard case let .v4(value) = ip, case let .v4(first) = first, case let .v4(last) = last else { return false }
        return (first...last).contains(value)
    }
}
