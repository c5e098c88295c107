import NetconRPC
import NetStack
import Synchronization
import ZeroTier

/// The configured networks as the socket bridge sees them: which interface reaches a destination, and what
/// the intercept library should treat as virtual. NodeService (event loop) keeps it current; the bridge
/// thread reads it.
final class VirtualNetworks: Sendable {
    struct Entry: @unchecked Sendable {
        // @unchecked: NetworkInterface is thread-safe (it takes the lwIP core lock).
        let interface: NetworkInterface
        /// The node's own addresses on the network, with the prefix of the network they sit in.
        let addresses: [IPPrefix]
        /// Every destination the network serves: the addresses' networks and the config's routes.
        let destinations: [IPPrefix]
    }

    private let entries = Mutex<[NetworkID: Entry]>([:])

    func update(_ network: NetworkID, interface: NetworkInterface, config: NetworkConfig) {
        let addresses = config.staticIPs
        var destinations = addresses.map(\.network)
        for route in config.routes where !destinations.contains(route.target.network) {
            destinations.append(route.target.network)
        }
        entries.withLock { $0[network] = Entry(interface: interface, addresses: addresses, destinations: destinations) }
    }

    func remove(_ network: NetworkID) {
        _ = entries.withLock { $0.removeValue(forKey: network) }
    }

    /// The interface whose network serves `destination` (the most specific prefix wins).
    func interface(toward destination: ZeroTier.IPAddress) -> NetworkInterface? {
        entries.withLock { entries in
            var best: (length: UInt8, interface: NetworkInterface)?
            for entry in entries.values {
                for prefix in entry.destinations where prefix.contains(destination) {
                    if best == nil || prefix.prefixLength > best!.length { best = (prefix.prefixLength, entry.interface) }
                }
            }
            return best?.interface
        }
    }

    /// True when `address` is one of the node's own virtual addresses.
    func isLocal(_ address: ZeroTier.IPAddress) -> Bool {
        entries.withLock { $0.values.contains { $0.addresses.contains { $0.ip == address } } }
    }

    /// What the library asks for with ROUTES: own addresses first (they must fit), then destinations.
    var routes: [RPCRoute] {
        entries.withLock { entries in
            var routes: [RPCRoute] = []
            for entry in entries.values {
                for address in entry.addresses {
                    guard let ip = rpcAddress(address.ip) else { continue }
                    routes.append(RPCRoute(network: ip, prefixLength: address.ip.isIPv4 ? 32 : 128, isLocal: true))
                }
            }
            for entry in entries.values {
                for prefix in entry.destinations {
                    guard let ip = rpcAddress(prefix.ip) else { continue }
                    routes.append(RPCRoute(network: ip, prefixLength: prefix.prefixLength, isLocal: false))
                }
            }
            return routes
        }
    }

    private func rpcAddress(_ address: ZeroTier.IPAddress) -> RPCAddress? {
        address.isIPv4 ? RPCAddress(v4: address.bytes) : RPCAddress(v6: address.bytes)
    }
}
