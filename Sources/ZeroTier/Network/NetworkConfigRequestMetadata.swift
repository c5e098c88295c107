/// The metadata Dictionary a member puts in NETWORK_CONFIG_REQUEST: what it is and what it can take. A
/// controller reads the format version (below 6 gets the legacy format), the software and protocol versions
/// (recorded for the member), the rules engine revision (0 gets a single accept-all rule) and an optional
/// join token.
///
/// ZeroTier 1.14.1 sends, in this order (integers as 16 hex digits):
/// `v`=7, `vend`=1, `pv`=0xc, `majv`=1, `minv`=0xe, `revv`=1, `mr`=0x400, `mc`=0x80, `mcr`=0x40, `mt`=0x80,
/// `f`=0, `revr`=1, `o`=`linux/x86_64`. Missing integers read as 0 (as the controller reads them).
public struct NetworkConfigRequestMetadata: Hashable, Sendable {
    enum Key {
        static let formatVersion = "v"
        static let vendor = "vend"
        static let protocolVersion = "pv"
        static let majorVersion = "majv"
        static let minorVersion = "minv"
        static let revision = "revv"
        static let maxNetworkRules = "mr"
        static let maxCapabilities = "mc"
        static let maxCapabilityRules = "mcr"
        static let maxTags = "mt"
        static let flags = "f"
        static let rulesEngineRevision = "revr"
        static let osArch = "o"
        static let authToken = "a"
    }

    /// The vendor number ZeroTier One reports for itself.
    public static let zeroTierVendor: UInt64 = 1
    /// The rules engine ZeroTier 1.14 implements.
    public static let currentRulesEngineRevision: UInt64 = 1

    /// Network config format the member understands (`v`).
    public var formatVersion: UInt64
    public var vendor: UInt64
    public var protocolVersion: UInt64
    public var majorVersion: UInt64
    public var minorVersion: UInt64
    public var revision: UInt64
    /// Limits of what the member can hold: rules per network, capabilities, rules per capability, tags.
    public var maxNetworkRules: UInt64
    public var maxCapabilities: UInt64
    public var maxCapabilityRules: UInt64
    public var maxTags: UInt64
    public var flags: UInt64
    public var rulesEngineRevision: UInt64
    /// `os/arch`, e.g. `linux/x86_64` (`o`).
    public var osArch: String
    /// A join token (`a`); ZeroTier's own members never send one.
    public var authToken: String?

    /// What ZeroTier 1.14.1 sends, with `softwareVersion` and `protocolVersion` as given.
    public init(softwareVersion: SoftwareVersion = SoftwareVersion(major: 1, minor: 14, revision: 1),
                protocolVersion: UInt8 = ProtocolLimits.protocolVersion, osArch: String = "linux/x86_64",
                authToken: String? = nil) {
        formatVersion = NetworkConfig.formatVersion
        vendor = Self.zeroTierVendor
        self.protocolVersion = UInt64(protocolVersion)
        majorVersion = UInt64(softwareVersion.major)
        minorVersion = UInt64(softwareVersion.minor)
        revision = UInt64(softwareVersion.revision)
        maxNetworkRules = UInt64(NetworkConfig.Limits.rules)
        maxCapabilities = 128
        maxCapabilityRules = 64
        maxTags = 128
        flags = 0
        rulesEngineRevision = Self.currentRulesEngineRevision
        self.osArch = osArch
        self.authToken = authToken
    }

    /// Reads the metadata of a request (`NetworkConfigRequestMessage.metadata`); throws only if it exceeds
    /// ZeroTier's 1024-byte buffer.
    public init<Bytes: Collection>(decoding bytes: Bytes) throws(DecodingError) where Bytes.Element == UInt8 {
        self.init(dictionary: try NetworkDictionary(decoding: bytes, capacity: NetworkDictionary.requestMetadataCapacity))
    }

    public init(dictionary d: NetworkDictionary) {
        formatVersion = d.uint64(Key.formatVersion) ?? 0
        vendor = d.uint64(Key.vendor) ?? 0
        protocolVersion = d.uint64(Key.protocolVersion) ?? 0
        majorVersion = d.uint64(Key.majorVersion) ?? 0
        minorVersion = d.uint64(Key.minorVersion) ?? 0
        revision = d.uint64(Key.revision) ?? 0
        maxNetworkRules = d.uint64(Key.maxNetworkRules) ?? 0
        maxCapabilities = d.uint64(Key.maxCapabilities) ?? 0
        maxCapabilityRules = d.uint64(Key.maxCapabilityRules) ?? 0
        maxTags = d.uint64(Key.maxTags) ?? 0
        flags = d.uint64(Key.flags) ?? 0
        rulesEngineRevision = d.uint64(Key.rulesEngineRevision) ?? 0
        osArch = d.string(Key.osArch) ?? ""
        authToken = d.string(Key.authToken)
    }

    /// The software version, if each part fits `SoftwareVersion`'s fields.
    public var softwareVersion: SoftwareVersion? {
        guard let major = UInt8(exactly: majorVersion), let minor = UInt8(exactly: minorVersion),
              let revision = UInt16(exactly: revision) else { return nil }
        return SoftwareVersion(major: major, minor: minor, revision: revision)
    }

    /// A member below format 6 must be sent the legacy config format, which netcon does not write.
    public var wantsLegacyConfig: Bool { formatVersion < NetworkConfig.minimumFormatVersion }

    public func dictionary() throws(NetworkDictionary.CapacityExceeded) -> NetworkDictionary {
        var d = NetworkDictionary(capacity: NetworkDictionary.requestMetadataCapacity)
        try d.append(Key.formatVersion, uint64: formatVersion)
        try d.append(Key.vendor, uint64: vendor)
        try d.append(Key.protocolVersion, uint64: protocolVersion)
        try d.append(Key.majorVersion, uint64: majorVersion)
        try d.append(Key.minorVersion, uint64: minorVersion)
        try d.append(Key.revision, uint64: revision)
        try d.append(Key.maxNetworkRules, uint64: maxNetworkRules)
        try d.append(Key.maxCapabilities, uint64: maxCapabilities)
        try d.append(Key.maxCapabilityRules, uint64: maxCapabilityRules)
        try d.append(Key.maxTags, uint64: maxTags)
        try d.append(Key.flags, uint64: flags)
        try d.append(Key.rulesEngineRevision, uint64: rulesEngineRevision)
        try d.append(Key.osArch, string: osArch)
        if let authToken { try d.append(Key.authToken, string: authToken) }
        return d
    }

    /// The bytes for `NetworkConfigRequestMessage.metadata`.
    public func encoded() throws(NetworkDictionary.CapacityExceeded) -> [UInt8] { try dictionary().encoded }
}
