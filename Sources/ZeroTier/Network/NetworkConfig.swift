/// A network's configuration as a controller issues it to one member (ZeroTier's `NetworkConfig`, format
/// version 7). It travels, and is stored in `networks.d/<nwid>.conf`, as a `NetworkDictionary`; see
/// `NetworkConfig+Dictionary.swift` for the keys.
public struct NetworkConfig: Hashable, Sendable {
    /// The dictionary format version ZeroTier 1.14 writes (`v`). Older formats (below 6) are refused.
    public static let formatVersion: UInt64 = 7
    public static let minimumFormatVersion: UInt64 = 6

    /// ZeroTier's bounds for the MTU of a virtual network, and the value used when a config names none.
    public static let minimumMTU = 1280
    public static let maximumMTU = 10000
    public static let defaultMTU = 2800

    /// How many of each list ZeroTier keeps from a config; further entries are ignored.
    public enum Limits {
        public static let staticIPs = 32
        public static let routes = 128
        public static let rules = 1024
        public static let specialists = 256
        public static let certificatesOfOwnership = 4
        public static let nameBytes = 127
    }

    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt64
        public init(rawValue: UInt64) { self.rawValue = rawValue }

        /// Frames to ff:ff:ff:ff:ff:ff are delivered.
        public static let enableBroadcast = Flags(rawValue: 0x2)
        /// Members answer IPv6 neighbor solicitations for rfc4193 / 6plane addresses themselves.
        public static let ipv6NDPEmulation = Flags(rawValue: 0x4)
        /// A rule match the member does not understand counts as a match.
        public static let unsupportedMatchesMatch = Flags(rawValue: 0x8)
        /// Frames on this network are not compressed.
        public static let disableCompression = Flags(rawValue: 0x10)
    }

    /// Private networks admit only members holding a certificate of membership that agrees with one's own;
    /// public networks admit anyone. Other values are kept but make a network neither.
    public struct NetworkType: RawRepresentable, Hashable, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        public static let `private` = NetworkType(rawValue: 0)
        public static let `public` = NetworkType(rawValue: 1)
    }

    /// Bits of a specialist entry (`S`): the low 40 bits are an address, these say what it is.
    public enum SpecialistRole {
        public static let activeBridge: UInt64 = 0x0000_0200_0000_0000
        public static let anchor: UInt64 = 0x0000_0400_0000_0000
        public static let multicastReplicator: UInt64 = 0x0000_0800_0000_0000
    }

    public var networkID: NetworkID
    /// When the controller issued this config, ms since the epoch (`ts`).
    public var timestamp: Int64
    /// How far apart (ms) two members' certificate timestamps may be and still agree (`ctmd`).
    public var credentialTimeMaxDelta: Int64
    /// The network's revision counter at the controller (`r`).
    public var revision: UInt64
    /// The member this config is for (`id`).
    public var issuedTo: Address
    /// Where to send remote trace events, nil for nowhere (`tt`, written as ten zeros), and how much (`tl`).
    public var remoteTraceTarget: Address?
    public var remoteTraceLevel: UInt64
    public var flags: Flags
    /// The most recipients a multicast is sent to (`ml`).
    public var multicastLimit: UInt32
    public var type: NetworkType
    /// At most 127 bytes of UTF-8 (`n`).
    public var name: String
    /// Clamped to `minimumMTU...maximumMTU` when decoded (`mtu`).
    public var mtu: Int
    /// The member's certificate of membership, signed by the controller (`C`).
    public var certificateOfMembership: CertificateOfMembership?
    /// Capabilities (`CAP`) and tags (`TAG`): serialized credentials, kept as received.
    public var capabilities: [UInt8]
    public var tags: [UInt8]
    /// Certificates of ownership for the member's managed addresses (`COO`).
    public var certificatesOfOwnership: [CertificateOfOwnership]
    /// Active bridges, anchors and multicast replicators: an address in the low 40 bits, role bits above (`S`).
    public var specialists: [UInt64]
    public var routes: [Route]
    /// The member's managed addresses, each with the prefix length of the network it lives in (`I`).
    public var staticIPs: [IPPrefix]
    /// The network's flow rules (`R`); a network without rules drops everything.
    public var rules: [Rule]
    /// nil when the controller pushes no DNS settings (`DNS` all zero).
    public var dns: DNS?
    /// Single sign-on settings (`ssov`, `ssoe`, `aurl`, …).
    public var sso: SSO

    public init(networkID: NetworkID, issuedTo: Address, timestamp: Int64 = 0, credentialTimeMaxDelta: Int64 = 0,
                revision: UInt64 = 0, remoteTraceTarget: Address? = nil, remoteTraceLevel: UInt64 = 0,
                flags: Flags = [], multicastLimit: UInt32 = 32, type: NetworkType = .private, name: String = "",
                mtu: Int = NetworkConfig.defaultMTU, certificateOfMembership: CertificateOfMembership? = nil,
                capabilities: [UInt8] = [], tags: [UInt8] = [],
                certificatesOfOwnership: [CertificateOfOwnership] = [], specialists: [UInt64] = [],
                routes: [Route] = [], staticIPs: [IPPrefix] = [], rules: [Rule] = [], dns: DNS? = nil,
                sso: SSO = SSO()) {
        self.networkID = networkID
        self.issuedTo = issuedTo
        self.timestamp = timestamp
        self.credentialTimeMaxDelta = credentialTimeMaxDelta
        self.revision = revision
        self.remoteTraceTarget = remoteTraceTarget
        self.remoteTraceLevel = remoteTraceLevel
        self.flags = flags
        self.multicastLimit = multicastLimit
        self.type = type
        self.name = name
        self.mtu = mtu
        self.certificateOfMembership = certificateOfMembership
        self.capabilities = capabilities
        self.tags = tags
        self.certificatesOfOwnership = certificatesOfOwnership
        self.specialists = specialists
        self.routes = routes
        self.staticIPs = staticIPs
        self.rules = rules
        self.dns = dns
        self.sso = sso
    }

    // MARK: - What a member derives from it

    public var isPrivate: Bool { type == .private }
    public var isPublic: Bool { type == .public }
    public var enableBroadcast: Bool { flags.contains(.enableBroadcast) }
    public var ipv6NDPEmulation: Bool { flags.contains(.ipv6NDPEmulation) }
    public var disableCompression: Bool { flags.contains(.disableCompression) }

    /// The member's managed IPv4 addresses with their prefix lengths, in config order.
    public var assignedIPv4: [IPPrefix] { staticIPs.filter { $0.ip.isIPv4 } }
    /// The member's managed IPv6 addresses (rfc4193, 6plane, pool) with their prefix lengths.
    public var assignedIPv6: [IPPrefix] { staticIPs.filter { !$0.ip.isIPv4 } }

    /// The addresses of the specialists carrying `role` (one of `SpecialistRole`).
    public func specialists(withRole role: UInt64) -> [Address] {
        specialists.filter { $0 & role != 0 }.map { Address(rawValue: $0 & 0xff_ffff_ffff)! }
    }

    public var activeBridges: [Address] { specialists(withRole: SpecialistRole.activeBridge) }
}
