/// A network this node controls, as its operator configured it (ZeroTier's controller fields).
public struct ControllerNetwork: Hashable, Sendable {
    public struct IPv4Pool: Hashable, Sendable {
        public var first: UInt32
        public var last: UInt32

        public init(first: UInt32, last: UInt32) {
            self.first = min(first, last)
            self.last = max(first, last)
        }

        public func contains(_ address: UInt32) -> Bool { (first...last).contains(address) }
    }

    public struct Route: Hashable, Sendable {
        public var target: IPAddress
        public var prefixLength: UInt8
        public var via: IPAddress?

        public init(target: IPAddress, prefixLength: UInt8, via: IPAddress? = nil) {
            self.target = target
            self.prefixLength = prefixLength
            self.via = via
        }
    }

    public var id: NetworkID
    public var name: String
    public var isPrivate: Bool
    public var creationTime: Int64
    /// Bumped on every change; members see it in their config.
    public var revision: UInt64
    public var mtu: Int
    public var multicastLimit: Int
    public var enableBroadcast: Bool
    public var ipv4Pools: [IPv4Pool]
    public var routes: [Route]
    /// Assign IPv4 addresses from `ipv4Pools` (ZeroTier's v4AssignMode.zt).
    public var assignIPv4: Bool
    /// Give each member its rfc4193 / 6plane IPv6 address (ZeroTier's v6AssignMode).
    public var rfc4193: Bool
    public var sixPlane: Bool
    /// What members get as the network's DNS (search domain and servers), nil for nothing.
    public var dns: NetworkConfig.DNS?
    /// The controller, a member itself, answers the DNS domain's names: its addresses there lead the servers.
    public var controllerAnswersDNS: Bool

    public init(id: NetworkID, name: String = "", isPrivate: Bool = true, creationTime: Int64, revision: UInt64 = 1,
                mtu: Int = 2800, multicastLimit: Int = 32, enableBroadcast: Bool = true, ipv4Pools: [IPv4Pool] = [],
                routes: [Route] = [], assignIPv4: Bool = true, rfc4193: Bool = false, sixPlane: Bool = false,
                dns: NetworkConfig.DNS? = nil, controllerAnswersDNS: Bool = false) {
        self.id = id
        self.name = name
        self.isPrivate = isPrivate
        self.creationTime = creationTime
        self.revision = revision
        self.mtu = mtu
        self.multicastLimit = multicastLimit
        self.enableBroadcast = enableBroadcast
        self.ipv4Pools = ipv4Pools
        self.routes = routes
        self.assignIPv4 = assignIPv4
        self.rfc4193 = rfc4193
        self.sixPlane = sixPlane
        self.dns = dns
        self.controllerAnswersDNS = controllerAnswersDNS
    }
}
