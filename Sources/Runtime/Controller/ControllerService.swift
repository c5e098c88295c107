import ControlPlane
import DNS
import ZeroTier

/// The operator's side of the controller: create, list and delete networks, authorize members and pin their
/// addresses. Works on a store; the daemon uses it for control requests, the CLI directly when no daemon runs.
public struct ControllerService {
    public let controller: Address
    public let store: ControllerStore

    public init(controller: Address, store: ControllerStore) {
        self.controller = controller
        self.store = store
    }

    public func create(_ request: NetworkCreation, now: Int64, random: () -> UInt32 = { UInt32.random(in: 1...0xff_ffff) }) throws(NetconError) -> ControllerNetworkInfo {
        var pools = [ControllerNetwork.IPv4Pool]()
        var routes = [ControllerNetwork.Route]()
        for text in request.pools {
            let (pool, route) = try Self.parsePool(text)
            pools.append(pool)
            if !routes.contains(route) { routes.append(route) }
        }
        guard (1280...10000).contains(request.mtu) else { throw .invalidArgument("MTU must be between 1280 and 10000") }
        let used = Set(store.networks().map(\.id))
        var id = NetworkID(controller: controller, number: random())
        for _ in 0..<64 where used.contains(id) { id = NetworkID(controller: controller, number: random()) }
        guard !used.contains(id) else { throw .invalidArgument("could not find a free network ID") }
        let network = ControllerNetwork(
            id: id, name: request.name, isPrivate: request.isPrivate, creationTime: now, mtu: request.mtu,
            ipv4Pools: pools, routes: routes, assignIPv4: !pools.isEmpty, rfc4193: request.rfc4193, sixPlane: request.sixPlane
        )
        try save(network)
        return info(network)
    }

    public func list() -> [ControllerNetworkInfo] { store.networks().map(info) }

    public func show(_ id: NetworkID) throws(NetconError) -> ControllerNetworkInfo { info(try network(id)) }

    public func delete(_ id: NetworkID) throws(NetconError) {
        _ = try network(id)
        do { try store.deleteNetwork(id) } catch { throw Self.storage(error) }
    }

    public func members(_ id: NetworkID) throws(NetconError) -> [ControllerMemberInfo] {
        _ = try network(id)
        return store.members(of: id).map(Self.info)
    }

    /// Authorizes or deauthorizes a member; one that never asked yet is recorded so it gets in on first try.
    public func authorize(_ address: Address, on id: NetworkID, _ authorized: Bool, now: Int64) throws(NetconError) -> ControllerMemberInfo {
        var network = try network(id)
        var member = store.member(address, of: id) ?? ControllerMember(network: id, address: address, creationTime: now)
        guard member.authorized != authorized || store.member(address, of: id) == nil else { return Self.info(member) }
        member.authorized = authorized
        if authorized { member.lastAuthorizedTime = now } else { member.lastDeauthorizedTime = now }
        member.revision += 1
        network.revision += 1
        try save(member)
        try save(network)
        return Self.info(member)
    }

    /// Names a member with a DNS label (letters, digits and inner hyphens, at most 63), unique in the network; an
    /// empty name removes it.
    public func setName(_ address: Address, on id: NetworkID, _ name: String, now: Int64) throws(NetconError) -> ControllerMemberInfo {
        _ = try network(id)
        let name = name.lowercased()
        guard name.isEmpty || Self.isLabel(name) else {
            throw .invalidArgument("'\(name)' is not a DNS label (letters, digits and inner hyphens, 1 to 63 of them)")
        }
        if !name.isEmpty, let other = store.members(of: id).first(where: { $0.name == name && $0.address != address }) {
            throw .invalidArgument("\(other.address) is already named \(name) on \(id)")
        }
        var member = store.member(address, of: id) ?? ControllerMember(network: id, address: address, creationTime: now)
        member.name = name
        member.revision += 1
        try save(member)
        return Self.info(member)
    }

    static func isLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
    }

    /// Sets (or, with no domain and no server, clears) the DNS the network's members get with their config. With
    /// `controllerAnswers` this node answers the domain's names itself: it becomes an authorized member of the
    /// network (the daemon joins it) and its addresses there are pushed first among the servers.
    public func setDNS(on id: NetworkID, domain: String, servers texts: [String], controllerAnswers: Bool = false,
                       now: Int64 = 0) throws(NetconError) -> ControllerNetworkInfo {
        var network = try network(id)
        if controllerAnswers {
            guard DNSName(domain).map({ !$0.isRoot }) == true else {
                throw .invalidArgument("--self needs --domain: the domain whose names the controller answers")
            }
            guard texts.count < NetworkConfig.DNS.maxServers else {
                throw .invalidArgument("with --self at most \(NetworkConfig.DNS.maxServers - 1) other servers (ZeroTier's limit is \(NetworkConfig.DNS.maxServers))")
            }
        }
        guard domain.utf8.count < NetworkConfig.DNS.domainFieldBytes else {
            throw .invalidArgument("the DNS domain is longer than \(NetworkConfig.DNS.domainFieldBytes - 1) bytes")
        }
        guard texts.count <= NetworkConfig.DNS.maxServers else {
            throw .invalidArgument("at most \(NetworkConfig.DNS.maxServers) DNS servers (ZeroTier's limit)")
        }
        var servers = [IPAddress]()
        for text in texts {
            guard let ip = IPAddress(text) else { throw .invalidArgument("\(text) is not an IP address") }
            servers.append(ip)
        }
        network.dns = domain.isEmpty && servers.isEmpty && !controllerAnswers ? nil : NetworkConfig.DNS(domain: domain, servers: servers)
        network.controllerAnswersDNS = controllerAnswers
        network.revision += 1
        try save(network)
        if controllerAnswers, store.member(controller, of: id)?.authorized != true {
            _ = try authorize(controller, on: id, true, now: now)
        }
        return info(network)
    }

    /// Pins a member's addresses (no automatic assignment for it afterwards); an empty list re-enables it.
    public func setIPs(_ address: Address, on id: NetworkID, _ texts: [String], now: Int64) throws(NetconError) -> ControllerMemberInfo {
        var network = try network(id)
        var addresses = [IPAddress]()
        for text in texts {
            guard let ip = IPAddress(text) else { throw .invalidArgument("\(text) is not an IP address") }
            addresses.append(ip)
        }
        let taken = store.members(of: id).filter { $0.address != address }.flatMap(\.ipAssignments)
        if let clash = addresses.first(where: taken.contains) { throw .invalidArgument("\(clash) is already assigned to another member") }
        var member = store.member(address, of: id) ?? ControllerMember(network: id, address: address, creationTime: now)
        member.ipAssignments = addresses
        member.noAutoAssignIPs = !addresses.isEmpty
        member.revision += 1
        network.revision += 1
        try save(member)
        try save(network)
        return Self.info(member)
    }

    /// Carries out a controller request from the control socket or the CLI.
    public func handle(_ request: ControlRequest, now: Int64) throws(NetconError) -> ControlResponse {
        switch request {
        case .networkCreate(let creation): return .network(try create(creation, now: now))
        case .networkList: return .networks(list())
        case .networkShow(let id): return .network(try show(id))
        case .networkDelete(let id):
            try delete(id)
            return .networkDeleted(id)
        case .memberList(let id): return .members(try members(id))
        case .memberAuthorize(let id, let address, let authorized): return .member(try authorize(address, on: id, authorized, now: now))
        case .memberSetIPs(let id, let address, let ips): return .member(try setIPs(address, on: id, ips, now: now))
        case .networkSetDNS(let id, let domain, let servers, let controllerAnswers):
            return .network(try setDNS(on: id, domain: domain, servers: servers, controllerAnswers: controllerAnswers, now: now))
        case .memberSetName(let id, let address, let name): return .member(try setName(address, on: id, name, now: now))
        case .status, .join, .leave, .ping, .ipPing: throw .invalidArgument("not a controller request")
        }
    }

    func network(_ id: NetworkID) throws(NetconError) -> ControllerNetwork {
        guard id.controller == controller else {
            throw .notFound("network \(id) belongs to controller \(id.controller), not to this node (\(controller))")
        }
        guard let network = store.network(id) else { throw .notFound("this node controls no network \(id)") }
        return network
    }

    private func save(_ network: ControllerNetwork) throws(NetconError) {
        do { try store.save(network) } catch { throw Self.storage(error) }
    }

    private func save(_ member: ControllerMember) throws(NetconError) {
        do { try store.save(member) } catch { throw Self.storage(error) }
    }

    private static func storage(_ error: any Error) -> NetconError {
        (error as? NetconError) ?? .invalidArgument("controller database: \(error)")
    }

    func info(_ network: ControllerNetwork) -> ControllerNetworkInfo {
        let members = store.members(of: network.id)
        return ControllerNetworkInfo(
            id: network.id, name: network.name, isPrivate: network.isPrivate,
            pools: network.ipv4Pools.map { "\(IPAddress.v4($0.first))-\(IPAddress.v4($0.last))" },
            routes: network.routes.map { route in "\(route.target)/\(route.prefixLength)" + (route.via.map { " via \($0)" } ?? "") },
            mtu: network.mtu, multicastLimit: network.multicastLimit, rfc4193: network.rfc4193, sixPlane: network.sixPlane,
            revision: network.revision, creationTime: network.creationTime, memberCount: members.count,
            authorizedCount: members.filter(\.authorized).count,
            dnsDomain: network.dns?.domain,
            dnsServers: NetworkController.pushedDNS(of: network, store: store)?.servers.map(\.description),
            dnsAnsweredByController: network.controllerAnswersDNS ? true : nil
        )
    }

    static func info(_ member: ControllerMember) -> ControllerMemberInfo {
        ControllerMemberInfo(
            network: member.network, address: member.address, authorized: member.authorized,
            ipAssignments: member.ipAssignments.map(\.description), creationTime: member.creationTime,
            lastSeen: member.lastRequestTime > 0 ? member.lastRequestTime : nil, version: member.remoteVersion?.description,
            name: member.name.isEmpty ? nil : member.name
        )
    }

    /// `10.1.2.0/24` (hosts .1–.254, routed as the /24) or `10.1.2.10-10.1.2.250` (routed as the smallest
    /// prefix covering both ends).
    static func parsePool(_ text: String) throws(NetconError) -> (ControllerNetwork.IPv4Pool, ControllerNetwork.Route) {
        if let slash = text.firstIndex(of: "/") {
            guard case .v4(let base)? = IPAddress(String(text[..<slash])), let bits = UInt8(text[text.index(after: slash)...]),
                  (8...30).contains(bits) else {
                throw .invalidArgument("pool \(text) is not an IPv4 CIDR between /8 and /30 (e.g. 10.147.17.0/24)")
            }
            let mask = UInt32.max << (32 - UInt32(bits))
            let network = base & mask
            return (.init(first: network + 1, last: (network | ~mask) - 1), .init(target: .v4(network), prefixLength: bits))
        }
        let ends = text.split(separator: "-")
        guard ends.count == 2, case .v4(let first)? = IPAddress(String(ends[0])), case .v4(let last)? = IPAddress(String(ends[1])) else {
            throw .invalidArgument("pool \(text) is neither a CIDR (10.147.17.0/24) nor a range (10.147.17.10-10.147.17.250)")
        }
        let pool = ControllerNetwork.IPv4Pool(first: first, last: last)
        var bits: UInt32 = 32
        while bits > 8 && (pool.first >> (32 - bits)) != (pool.last >> (32 - bits)) { bits -= 1 }
        let mask = bits == 0 ? 0 : UInt32.max << (32 - bits)
        return (pool, .init(target: .v4(pool.first & mask), prefixLength: UInt8(bits)))
    }
}
