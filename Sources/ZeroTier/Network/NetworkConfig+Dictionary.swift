/// The dictionary form of a network config, as ZeroTier 1.14 writes it (`NetworkConfig::toDictionary`) and
/// reads it (`fromDictionary`). Keys, in the order they are written:
///
/// | key | value |
/// |---|---|
/// | `v` | format version, 7 |
/// | `nwid` `ts` `ctmd` `r` | network ID, timestamp, credential time max delta, revision (hex) |
/// | `id` `tt` | issued-to address, remote trace target (10 hex digits, zeros for none) |
/// | `tl` `f` `ml` `t` | trace level, flags, multicast limit, type (hex) |
/// | `n` | name (text) |
/// | `mtu` | MTU (hex) |
/// | `C` | certificate of membership (binary, only if there is one) |
/// | `CAP` `TAG` `COO` `S` `RT` `I` `R` | capabilities, tags, certificates of ownership, specialists, routes, static IPs, rules (binary, only when not empty) |
/// | `DNS` | DNS settings (binary, always) |
/// | `ssov` `ssoe` … | single sign-on, see `NetworkConfig.SSO` |
///
/// Reading needs `nwid` and `id` to be non-zero and `v` at least 6; a malformed binary value fails the whole
/// config, as in ZeroTier (except `CAP` and `TAG`, kept as raw bytes here).
extension NetworkConfig {
    enum Key {
        static let version = "v"
        static let networkID = "nwid"
        static let timestamp = "ts"
        static let credentialTimeMaxDelta = "ctmd"
        static let revision = "r"
        static let issuedTo = "id"
        static let remoteTraceTarget = "tt"
        static let remoteTraceLevel = "tl"
        static let flags = "f"
        static let multicastLimit = "ml"
        static let type = "t"
        static let name = "n"
        static let mtu = "mtu"
        static let certificateOfMembership = "C"
        static let capabilities = "CAP"
        static let tags = "TAG"
        static let certificatesOfOwnership = "COO"
        static let specialists = "S"
        static let routes = "RT"
        static let staticIPs = "I"
        static let rules = "R"
        static let dns = "DNS"
    }

    /// Decodes the serialized dictionary (e.g. a `networks.d/<nwid>.conf` file or assembled config chunks).
    public init<Bytes: Collection>(decoding bytes: Bytes) throws(DecodingError) where Bytes.Element == UInt8 {
        try self.init(dictionary: NetworkDictionary(decoding: bytes, capacity: NetworkDictionary.networkConfigCapacity))
    }

    public init(dictionary d: NetworkDictionary) throws(DecodingError) {
        guard let nwid = d.uint64(Key.networkID), nwid != 0 else { throw .invalid("network config without network ID") }
        guard let issuedTo = d.address(Key.issuedTo), issuedTo.rawValue != 0 else {
            throw .invalid("network config without issued-to address")
        }
        let version = d.uint64(Key.version) ?? 0
        guard version >= Self.minimumFormatVersion else { throw .invalid("network config format version \(version)") }

        self.init(networkID: NetworkID(rawValue: nwid), issuedTo: issuedTo)
        timestamp = Int64(bitPattern: d.uint64(Key.timestamp) ?? 0)
        credentialTimeMaxDelta = Int64(bitPattern: d.uint64(Key.credentialTimeMaxDelta) ?? 0)
        revision = d.uint64(Key.revision) ?? 0
        remoteTraceTarget = d.address(Key.remoteTraceTarget).flatMap { $0.rawValue == 0 ? nil : $0 }
        remoteTraceLevel = d.uint64(Key.remoteTraceLevel) ?? 0
        multicastLimit = UInt32(truncatingIfNeeded: d.uint64(Key.multicastLimit) ?? 0)
        name = BoundedText.decode(d.bytes(Key.name) ?? [], limit: Limits.nameBytes)
        let mtu = Int(UInt32(truncatingIfNeeded: d.uint64(Key.mtu) ?? UInt64(Self.defaultMTU)))
        self.mtu = min(max(mtu, Self.minimumMTU), Self.maximumMTU)
        flags = Flags(rawValue: d.uint64(Key.flags) ?? 0)
        type = NetworkType(rawValue: UInt32(truncatingIfNeeded: d.uint64(Key.type) ?? 0))

        if let value = d.bytes(Key.certificateOfMembership) {
            var reader = ByteReader(value)
            certificateOfMembership = try CertificateOfMembership(from: &reader)
        }
        capabilities = d.bytes(Key.capabilities) ?? []
        tags = d.bytes(Key.tags) ?? []
        if let value = d.bytes(Key.certificatesOfOwnership) {
            var reader = ByteReader(value)
            while !reader.isAtEnd {
                let certificate = try CertificateOfOwnership(from: &reader)
                if certificatesOfOwnership.count < Limits.certificatesOfOwnership { certificatesOfOwnership.append(certificate) }
            }
        }
        if let value = d.bytes(Key.specialists) {
            var reader = ByteReader(value)
            while reader.remaining >= 8 {
                let specialist = try reader.readUInt64()
                if specialists.count < Limits.specialists { specialists.append(specialist) }
            }
        }
        if let value = d.bytes(Key.routes) {
            var reader = ByteReader(value)
            while !reader.isAtEnd, routes.count < Limits.routes {
                if let route = try Route.read(from: &reader) { routes.append(route) }
            }
        }
        if let value = d.bytes(Key.staticIPs) {
            var reader = ByteReader(value)
            while !reader.isAtEnd, staticIPs.count < Limits.staticIPs {
                if let ip = try reader.readIPPrefix() { staticIPs.append(ip) }
            }
        }
        if let value = d.bytes(Key.rules) {
            var reader = ByteReader(value)
            while !reader.isAtEnd, rules.count < Limits.rules {
                rules.append(try Rule.read(from: &reader))
            }
        }
        if let value = d.bytes(Key.dns) {
            var reader = ByteReader(value)
            dns = try DNS.read(from: &reader)
        }
        sso = SSO(from: d)
    }

    /// The dictionary ZeroTier 1.14 would write for this config (without the legacy keys of pre-1.2 nodes).
    public func dictionary() throws(NetworkDictionary.CapacityExceeded) -> NetworkDictionary {
        var d = NetworkDictionary(capacity: NetworkDictionary.networkConfigCapacity)
        try d.append(Key.version, uint64: Self.formatVersion)
        try d.append(Key.networkID, uint64: networkID.rawValue)
        try d.append(Key.timestamp, int64: timestamp)
        try d.append(Key.credentialTimeMaxDelta, int64: credentialTimeMaxDelta)
        try d.append(Key.revision, uint64: revision)
        try d.append(Key.issuedTo, address: issuedTo)
        try d.append(Key.remoteTraceTarget, address: remoteTraceTarget ?? Address(rawValue: 0)!)
        try d.append(Key.remoteTraceLevel, uint64: remoteTraceLevel)
        try d.append(Key.flags, uint64: flags.rawValue)
        try d.append(Key.multicastLimit, uint64: UInt64(multicastLimit))
        try d.append(Key.type, uint64: UInt64(type.rawValue))
        try d.append(Key.name, bytes: BoundedText.encode(name, limit: Limits.nameBytes))
        try d.append(Key.mtu, uint64: UInt64(clamping: mtu))

        if let certificateOfMembership {
            var writer = ByteWriter()
            certificateOfMembership.encode(to: &writer)
            try d.append(Key.certificateOfMembership, bytes: writer.bytes)
        }
        if !capabilities.isEmpty { try d.append(Key.capabilities, bytes: capabilities) }
        if !tags.isEmpty { try d.append(Key.tags, bytes: tags) }
        if !certificatesOfOwnership.isEmpty {
            var writer = ByteWriter()
            for certificate in certificatesOfOwnership { certificate.encode(to: &writer) }
            try d.append(Key.certificatesOfOwnership, bytes: writer.bytes)
        }
        if !specialists.isEmpty {
            var writer = ByteWriter(capacity: specialists.count * 8)
            for specialist in specialists { writer.write(specialist) }
            try d.append(Key.specialists, bytes: writer.bytes)
        }
        if !routes.isEmpty {
            var writer = ByteWriter()
            for route in routes { route.write(to: &writer) }
            try d.append(Key.routes, bytes: writer.bytes)
        }
        if !staticIPs.isEmpty {
            var writer = ByteWriter()
            for ip in staticIPs { writer.write(ip) }
            try d.append(Key.staticIPs, bytes: writer.bytes)
        }
        if !rules.isEmpty {
            var writer = ByteWriter()
            for rule in rules { rule.write(to: &writer) }
            try d.append(Key.rules, bytes: writer.bytes)
        }
        var dnsWriter = ByteWriter(capacity: DNS.domainFieldBytes + DNS.maxServers * 19)
        DNS.write(dns, to: &dnsWriter)
        try d.append(Key.dns, bytes: dnsWriter.bytes)
        try sso.append(to: &d)
        return d
    }

    /// The serialized dictionary: what a controller chunks into NETWORK_CONFIG and a member stores.
    public func encoded() throws(NetworkDictionary.CapacityExceeded) -> [UInt8] { try dictionary().encoded }
}
