import ZeroTier

/// What `netcon status` shows: the equivalent of `zerotier-cli info`, `listnetworks` and `listpeers`.
public struct NodeStatus: Codable, Sendable, Equatable {
    public var address: Address
    public var version: String
    /// Whether a daemon answered; `false` when the status was read from the home directory alone.
    public var running: Bool
    /// ONLINE once a root answers, OFFLINE otherwise (ZeroTier's wording).
    public var online: Bool
    public var port: UInt16?
    public var pid: Int32?
    public var home: String
    public var networks: [NetworkStatus]
    public var peers: [PeerStatus]
    /// The world the node lives in; nil when it cannot be read (status without a daemon).
    public var planet: PlanetStatus?
    public var traffic: TrafficStatus?
    /// Programs' virtual sockets and the stack's control blocks behind them; nil without a daemon.
    public var sockets: SocketStatus?

    public init(
        address: Address, version: String, running: Bool, online: Bool, port: UInt16?, pid: Int32?, home: String,
        networks: [NetworkStatus], peers: [PeerStatus], planet: PlanetStatus? = nil, traffic: TrafficStatus? = nil
    ) {
        self.planet = planet
        self.traffic = traffic
        self.address = address
        self.version = version
        self.running = running
        self.online = online
        self.port = port
        self.pid = pid
        self.home = home
        self.networks = networks
        self.peers = peers
    }
}

public struct NetworkStatus: Codable, Sendable, Equatable {
    /// ZeroTier's network states, spelled as `zerotier-cli listnetworks` prints them.
    public enum State: String, Codable, Sendable {
        case requestingConfiguration = "REQUESTING_CONFIGURATION"
        case ok = "OK"
        case accessDenied = "ACCESS_DENIED"
        case notFound = "NOT_FOUND"
        case clientTooOld = "CLIENT_TOO_OLD"
        /// Joined in the home directory but no daemon is running to request a config.
        case notRunning = "NOT_RUNNING"
    }

    public enum Kind: String, Codable, Sendable {
        case `private` = "PRIVATE"
        case `public` = "PUBLIC"
        case unknown = "UNKNOWN"
    }

    public var id: NetworkID
    public var name: String
    public var mac: MAC
    public var state: State
    public var kind: Kind
    public var mtu: Int?
    public var assignedAddresses: [String]
    /// The DNS the controller pushed (search domain and servers); nil when it pushed none.
    public var dnsDomain: String?
    public var dnsServers: [String]?

    public init(id: NetworkID, name: String, mac: MAC, state: State, kind: Kind, mtu: Int?, assignedAddresses: [String],
                dnsDomain: String? = nil, dnsServers: [String]? = nil) {
        self.id = id
        self.name = name
        self.mac = mac
        self.state = state
        self.kind = kind
        self.mtu = mtu
        self.assignedAddresses = assignedAddresses
        self.dnsDomain = dnsDomain
        self.dnsServers = dnsServers
    }
}

public struct PeerStatus: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable {
        case leaf = "LEAF"
        case planet = "PLANET"
        case moon = "MOON"
    }

    public struct Path: Codable, Sendable, Equatable {
        public var endpoint: String
        public var lastSendMillisecondsAgo: Int64?
        public var lastReceiveMillisecondsAgo: Int64?
        public var active: Bool
        public var preferred: Bool

        public init(endpoint: String, lastSendMillisecondsAgo: Int64?, lastReceiveMillisecondsAgo: Int64?, active: Bool, preferred: Bool) {
            self.endpoint = endpoint
            self.lastSendMillisecondsAgo = lastSendMillisecondsAgo
            self.lastReceiveMillisecondsAgo = lastReceiveMillisecondsAgo
            self.active = active
            self.preferred = preferred
        }
    }

    public var address: Address
    public var role: Role
    /// "major.minor.revision", nil until the peer's HELLO has been seen.
    public var version: String?
    public var latencyMilliseconds: Int?
    public var paths: [Path]

    public init(address: Address, role: Role, version: String?, latencyMilliseconds: Int?, paths: [Path]) {
        self.address = address
        self.role = role
        self.version = version
        self.latencyMilliseconds = latencyMilliseconds
        self.paths = paths
    }
}

public struct PlanetStatus: Codable, Sendable, Equatable {
    public var id: UInt64
    public var timestamp: UInt64
    /// True for ZeroTier's public planet built into netcon.
    public var isDefault: Bool
    public var roots: [Address]

    public init(id: UInt64, timestamp: UInt64, isDefault: Bool, roots: [Address]) {
        self.id = id
        self.timestamp = timestamp
        self.isDefault = isDefault
        self.roots = roots
    }
}

/// Packet counters since the daemon started; `dropped` maps each reason to its count.
public struct TrafficStatus: Codable, Sendable, Equatable {
    public var datagramsReceived: Int
    public var datagramsSent: Int
    public var packetsAccepted: Int
    public var packetsRelayed: Int
    public var dropped: [String: Int]

    public init(datagramsReceived: Int, datagramsSent: Int, packetsAccepted: Int, packetsRelayed: Int, dropped: [String: Int]) {
        self.datagramsReceived = datagramsReceived
        self.datagramsSent = datagramsSent
        self.packetsAccepted = packetsAccepted
        self.packetsRelayed = packetsRelayed
        self.dropped = dropped
    }

    public var droppedTotal: Int { dropped.values.reduce(0, +) }
}

/// What programs hold on the virtual networks, as the node's socket bridge sees it, and what lwIP holds for them.
/// Both fall back to zero (TIME-WAIT aside, which lwIP keeps for 2 MSL) once the programs are gone.
public struct SocketStatus: Codable, Sendable, Equatable {
    public var tcpConnections: Int
    public var tcpListeners: Int
    public var udp: Int
    public var icmp: Int
    /// lwIP's protocol control blocks: connections (any state but TIME-WAIT), listeners, bound-only, TIME-WAIT, UDP.
    public var stackTCPActive: Int
    public var stackTCPListening: Int
    public var stackTCPBound: Int
    public var stackTCPTimeWait: Int
    public var stackUDP: Int

    public init(tcpConnections: Int, tcpListeners: Int, udp: Int, icmp: Int, stackTCPActive: Int, stackTCPListening: Int,
                stackTCPBound: Int, stackTCPTimeWait: Int, stackUDP: Int) {
        self.tcpConnections = tcpConnections
        self.tcpListeners = tcpListeners
        self.udp = udp
        self.icmp = icmp
        self.stackTCPActive = stackTCPActive
        self.stackTCPListening = stackTCPListening
        self.stackTCPBound = stackTCPBound
        self.stackTCPTimeWait = stackTCPTimeWait
        self.stackUDP = stackUDP
    }
}
