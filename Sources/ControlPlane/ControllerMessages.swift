import ZeroTier

/// A network as `netcon network list/show` presents it.
public struct ControllerNetworkInfo: Codable, Sendable, Equatable {
    public var id: NetworkID
    public var name: String
    public var isPrivate: Bool
    /// IPv4 pools as `first-last`.
    public var pools: [String]
    /// Routes as `CIDR` or `CIDR via IP`.
    public var routes: [String]
    public var mtu: Int
    public var multicastLimit: Int
    public var rfc4193: Bool
    public var sixPlane: Bool
    public var revision: UInt64
    public var creationTime: Int64
    public var memberCount: Int
    public var authorizedCount: Int
    /// The DNS members get; nil when none is set (or from a daemon that predates it).
    public var dnsDomain: String?
    public var dnsServers: [String]?
    /// True when the controller answers the DNS domain's names itself (`set-dns --self`).
    public var dnsAnsweredByController: Bool?

    public init(id: NetworkID, name: String, isPrivate: Bool, pools: [String], routes: [String], mtu: Int, multicastLimit: Int,
                rfc4193: Bool, sixPlane: Bool, revision: UInt64, creationTime: Int64, memberCount: Int, authorizedCount: Int,
                dnsDomain: String? = nil, dnsServers: [String]? = nil, dnsAnsweredByController: Bool? = nil) {
        self.id = id
        self.name = name
        self.isPrivate = isPrivate
        self.pools = pools
        self.routes = routes
        self.mtu = mtu
        self.multicastLimit = multicastLimit
        self.rfc4193 = rfc4193
        self.sixPlane = sixPlane
        self.revision = revision
        self.creationTime = creationTime
        self.memberCount = memberCount
        self.authorizedCount = authorizedCount
        self.dnsDomain = dnsDomain
        self.dnsServers = dnsServers
        self.dnsAnsweredByController = dnsAnsweredByController
    }
}

/// A member as `netcon member list` presents it.
public struct ControllerMemberInfo: Codable, Sendable, Equatable {
    public var network: NetworkID
    public var address: Address
    public var authorized: Bool
    public var ipAssignments: [String]
    public var creationTime: Int64
    /// Milliseconds since 1970 of the member's last config request; nil if never seen.
    public var lastSeen: Int64?
    public var version: String?
    /// Its name, nil for none.
    public var name: String?

    public init(network: NetworkID, address: Address, authorized: Bool, ipAssignments: [String], creationTime: Int64,
                lastSeen: Int64?, version: String?, name: String? = nil) {
        self.name = name
        self.network = network
        self.address = address
        self.authorized = authorized
        self.ipAssignments = ipAssignments
        self.creationTime = creationTime
        self.lastSeen = lastSeen
        self.version = version
    }
}

/// What `netcon network create` asks for.
public struct NetworkCreation: Codable, Sendable, Equatable {
    public var name: String
    public var isPrivate: Bool
    /// IPv4 pools as CIDRs (`10.1.2.0/24`) or ranges (`10.1.2.10-10.1.2.250`).
    public var pools: [String]
    public var rfc4193: Bool
    public var sixPlane: Bool
    public var mtu: Int

    public init(name: String, isPrivate: Bool, pools: [String], rfc4193: Bool, sixPlane: Bool, mtu: Int) {
        self.name = name
        self.isPrivate = isPrivate
        self.pools = pools
        self.rfc4193 = rfc4193
        self.sixPlane = sixPlane
        self.mtu = mtu
    }
}
