/// The controller role: answers members' config requests for the networks this node controls, from the
/// operator's records in a `ControllerStore`. Pure: time comes in, decisions and signed configs go out.
public final class NetworkController {
    /// How far apart two members' certificate timestamps may be and still agree (ZeroTier's default, 30 min).
    public static let credentialTimeMaxDelta: Int64 = 1_800_000

    public enum Answer: Hashable, Sendable {
        case config(NetworkConfig)
        case accessDenied
        case notFound
    }

    let identity: Identity
    public let store: ControllerStore
    /// Members that asked recently, so changes can be pushed to them at once.
    public private(set) var recentRequesters: [NetworkID: [Address: Int64]] = [:]

    public init(identity: Identity, store: ControllerStore) {
        precondition(identity.hasSecret, "a controller signs configs with its secret key")
        self.identity = identity
        self.store = store
    }

    /// Decides on a member's request and records what the decision changed (first/last seen, addresses).
    public func answer(network id: NetworkID, member requester: Identity, metadata: NetworkConfigRequestMetadata?, now: Int64) -> Answer {
        guard id.controller == identity.address, let network = store.network(id) else { return .notFound }
        var member = store.member(requester.address, of: id) ?? ControllerMember(network: id, address: requester.address, creationTime: now)
        if let known = member.identity, known != requester.publicOnly { return .accessDenied }
        member.identity = requester.publicOnly
        member.lastRequestTime = now
        if let metadata {
            member.remoteVersion = SoftwareVersion(major: UInt8(clamping: metadata.majorVersion), minor: UInt8(clamping: metadata.minorVersion),
                                                   revision: UInt16(clamping: metadata.revision))
            member.remoteProtocolVersion = UInt8(clamping: metadata.protocolVersion)
        }
        if !network.isPrivate && !member.authorized && member.lastDeauthorizedTime == 0 {
            member.authorized = true
            member.lastAuthorizedTime = now
        }
        recentRequesters[id, default: [:]][requester.address] = now
        guard member.authorized else {
            try? store.save(member)
            return .accessDenied
        }
        if network.assignIPv4 && !member.noAutoAssignIPs && !member.ipAssignments.contains(where: { address in
            if case .v4(let value) = address { network.ipv4Pools.contains { $0.contains(value) } } else { false }
        }) {
            let taken = Set(store.members(of: id).filter { $0.address != member.address }.flatMap(\.ipAssignments))
            let pools = network.ipv4Pools.map { IPAssignmentPool(first: .v4($0.first), last: .v4($0.last)) }
            if let picked = IPv4PoolAllocator.pick(for: requester.address, pools: pools, routes: Self.routes(of: network), taken: taken) {
                member.ipAssignments.append(picked.ip)
            }
        }
        try? store.save(member)
        return .config(config(for: member, identity: requester, on: network, now: now))
    }

    /// Members to push a fresh answer to after `network` changed: those that asked within `window`.
    public func membersToNotify(of network: NetworkID, now: Int64, window: Int64 = 600_000) -> [Address] {
        (recentRequesters[network] ?? [:]).filter { now - $0.value < window }.map(\.key).sorted()
    }

    static func routes(of network: ControllerNetwork) -> [NetworkConfig.Route] {
        network.routes.map { NetworkConfig.Route(target: IPPrefix(ip: $0.target, prefixLength: $0.prefixLength), via: $0.via) }
    }

    func config(for member: ControllerMember, identity requester: Identity, on network: ControllerNetwork, now: Int64) -> NetworkConfig {
        var flags: NetworkConfig.Flags = network.enableBroadcast ? [.enableBroadcast] : []
        if network.rfc4193 || network.sixPlane { flags.insert(.ipv6NDPEmulation) }
        let routes = Self.routes(of: network)
        var staticIPs = member.ipAssignments.map { ip in
            // An address gets the prefix length of the route it falls in, as ZeroTier's controller does.
            let route = routes.first { $0.via == nil && $0.target.contains(ip) }
            return IPPrefix(ip: ip, prefixLength: route?.target.prefixLength ?? (ip.isIPv4 ? 32 : 128))
        }
        if network.rfc4193 { staticIPs.append(IPPrefix.rfc4193(network: network.id, member: member.address)) }
        if network.sixPlane { staticIPs.append(IPPrefix.sixPlane(network: network.id, member: member.address)) }
        let certificate = CertificateOfMembership(issuedTo: requester, network: network.id, timestamp: now,
                                                  maxDelta: Self.credentialTimeMaxDelta).signed(by: identity)
        return NetworkConfig(
            networkID: network.id, issuedTo: member.address, timestamp: now, credentialTimeMaxDelta: Self.credentialTimeMaxDelta,
            revision: network.revision, flags: flags, multicastLimit: UInt32(clamping: network.multicastLimit),
            type: network.isPrivate ? .private : .public, name: network.name, mtu: network.mtu,
            certificateOfMembership: certificate, specialists: member.activeBridge ? [NetworkConfig.SpecialistRole.activeBridge | member.address.rawValue] : [],
            routes: routes, staticIPs: staticIPs, rules: [.accept], dns: Self.pushedDNS(of: network, store: store)
        )
    }

    /// The DNS members get: as set, and when the controller answers the names itself, its own addresses on the
    /// network first among the servers (they follow its assignment).
    public static func pushedDNS(of network: ControllerNetwork, store: ControllerStore) -> NetworkConfig.DNS? {
        guard var dns = network.dns else { return nil }
        if network.controllerAnswersDNS, let own = store.member(network.id.controller, of: network.id), own.authorized {
            var addresses = own.ipAssignments
            if network.rfc4193 { addresses.append(IPPrefix.rfc4193(network: network.id, member: own.address).ip) }
            if network.sixPlane { addresses.append(IPPrefix.sixPlane(network: network.id, member: own.address).ip) }
            dns.servers = Array((addresses + dns.servers.filter { !addresses.contains($0) }).prefix(NetworkConfig.DNS.maxServers))
        }
        return dns
    }
}
