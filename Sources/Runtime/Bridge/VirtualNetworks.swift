import DNS
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
        /// The DNS domain the network's config names, and its servers.
        let domain: DNSName?
        let nameServers: [ZeroTier.IPAddress]
    }

    private let entries = Mutex<[NetworkID: Entry]>([:])
    /// The host's name servers, as programs find them in resolv.conf: their port 53 is the node's resolver.
    private let nameServers = Mutex<[ZeroTier.IPAddress]>([])

    var hostNameServers: [ZeroTier.IPAddress] {
        get { nameServers.withLock { $0 } }
        set { nameServers.withLock { $0 = newValue } }
    }

    func update(_ network: NetworkID, interface: NetworkInterface, config: NetworkConfig) {
        let addresses = config.staticIPs
        var destinations = addresses.map(\.network)
        for route in config.routes where !destinations.contains(route.target.network) {
            destinations.append(route.target.network)
        }
        let dns = config.dns
        let domain = dns.flatMap { DNSName($0.domain) }.flatMap { $0.isRoot ? nil : $0 }
        entries.withLock {
            $0[network] = Entry(interface: interface, addresses: addresses, destinations: destinations, domain: domain,
                                nameServers: dns?.servers ?? [])
        }
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

    /// The network one of whose addresses is `address` (the node's own).
    func network(owning address: ZeroTier.IPAddress) -> NetworkID? {
        entries.withLock { $0.first { $0.value.addresses.contains { $0.ip == address } }?.key }
    }

    /// True when `endpoint` is port 53 of a host name server: a query the node's resolver answers.
    func isResolver(_ endpoint: RPCEndpoint) -> Bool {
        guard endpoint.port == 53, let address = endpoint.address else { return false }
        return hostNameServers.contains(address.engineAddress)
    }

    /// The servers of the network whose DNS domain holds `name` (the longest domain wins), none when no joined
    /// network's domain does.
    func nameServers(for name: DNSName) -> (domain: DNSName, servers: [ZeroTier.IPAddress])? {
        // A reverse lookup of an address a network serves is that network's servers' to answer.
        if let address = name.reverseAddress.flatMap({ ZeroTier.IPAddress(bytes: $0) }) {
            return entries.withLock { entries in
                entries.values.first { entry in !entry.nameServers.isEmpty && entry.destinations.contains { $0.contains(address) } }
                    .map { (name, $0.nameServers) }
            }
        }
        return entries.withLock { entries in
            var best: (domain: DNSName, servers: [ZeroTier.IPAddress])?
            for entry in entries.values {
                guard let domain = entry.domain, name.isWithin(domain) else { continue }
                if best == nil || domain.labels.count > best!.domain.labels.count { best = (domain, entry.nameServers) }
            }
            return best
        }
    }

    /// What the library asks for with ROUTES: own addresses first (they must fit), the resolver, then destinations.
    var routes: [RPCRoute] {
        entries.withLock { entries in
            var routes: [RPCRoute] = []
            for entry in entries.values {
                for address in entry.addresses {
                    guard let ip = rpcAddress(address.ip) else { continue }
                    routes.append(RPCRoute(network: ip, prefixLength: address.ip.isIPv4 ? 32 : 128, kind: .own))
                }
            }
            for server in hostNameServers {
                guard let ip = rpcAddress(server) else { continue }
                routes.append(RPCRoute(network: ip, prefixLength: server.isIPv4 ? 32 : 128, kind: .resolver))
            }
            for entry in entries.values {
                for prefix in entry.destinations {
                    guard let ip = rpcAddress(prefix.ip) else { continue }
                    routes.append(RPCRoute(network: ip, prefixLength: prefix.prefixLength, kind: .prefix))
                }
            }
            return routes
        }
    }

    private func rpcAddress(_ address: ZeroTier.IPAddress) -> RPCAddress? {
        address.isIPv4 ? RPCAddress(v4: address.bytes) : RPCAddress(v6: address.bytes)
    }
}
