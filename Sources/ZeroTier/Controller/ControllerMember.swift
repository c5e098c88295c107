/// What a controller knows about one member of one of its networks.
public struct ControllerMember: Hashable, Sendable {
    public var network: NetworkID
    public var address: Address
    /// The member's identity, recorded at its first config request (later requests must match it).
    public var identity: Identity?
    public var authorized: Bool
    public var ipAssignments: [IPAddress]
    /// When true the controller never picks addresses for this member (only `set-ip` ones are used).
    public var noAutoAssignIPs: Bool
    public var activeBridge: Bool
    public var creationTime: Int64
    public var lastAuthorizedTime: Int64
    public var lastDeauthorizedTime: Int64
    /// When the member last asked for its config (its "last seen").
    public var lastRequestTime: Int64
    public var revision: UInt64
    public var remoteVersion: SoftwareVersion?
    public var remoteProtocolVersion: UInt8?
    /// A DNS label the operator gave the member (`member set-name`), empty for none.
    public var name: String

    public init(network: NetworkID, address: Address, identity: Identity? = nil, authorized: Bool = false, ipAssignments: [IPAddress] = [],
                noAutoAssignIPs: Bool = false, activeBridge: Bool = false, creationTime: Int64, lastAuthorizedTime: Int64 = 0,
                lastDeauthorizedTime: Int64 = 0, lastRequestTime: Int64 = 0, revision: UInt64 = 1,
                remoteVersion: SoftwareVersion? = nil, remoteProtocolVersion: UInt8? = nil, name: String = "") {
        self.network = network
        self.address = address
        self.identity = identity?.publicOnly
        self.authorized = authorized
        self.ipAssignments = ipAssignments
        self.noAutoAssignIPs = noAutoAssignIPs
        self.activeBridge = activeBridge
        self.creationTime = creationTime
        self.lastAuthorizedTime = lastAuthorizedTime
        self.lastDeauthorizedTime = lastDeauthorizedTime
        self.lastRequestTime = lastRequestTime
        self.revision = revision
        self.remoteVersion = remoteVersion
        self.remoteProtocolVersion = remoteProtocolVersion
        self.name = name
    }
}
