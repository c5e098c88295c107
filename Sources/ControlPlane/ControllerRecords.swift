import ZeroTier

/// A record whose identifiers do not parse: the file is skipped, never half-loaded.
package struct ControllerRecordError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}

/// The JSON shape of ZeroTier One's file-based controller database (`controller.d/network/<nwid>.json`),
/// so a controller directory can move between ZeroTier One and netcon. Unknown fields are not kept.
package struct NetworkRecord: Codable, Equatable {
    package struct Pool: Codable, Equatable { var ipRangeStart: String; var ipRangeEnd: String }
    package struct RouteRecord: Codable, Equatable { var target: String; var via: String? }
    package struct V4Mode: Codable, Equatable { var zt: Bool }
    package struct V6Mode: Codable, Equatable {
        package var sixPlane: Bool
        package var rfc4193: Bool
        package var zt: Bool
        enum CodingKeys: String, CodingKey {
            case sixPlane = "6plane"
            case rfc4193, zt
        }
    }
    package struct Rule: Codable, Equatable { var not: Bool; var or: Bool; var type: String }

    package var id: String
    package var nwid: String
    package var objtype = "network"
    package var name: String
    package var `private`: Bool
    package var creationTime: Int64
    package var revision: UInt64
    package var mtu: Int
    package var multicastLimit: Int
    package var enableBroadcast: Bool
    package var ipAssignmentPools: [Pool]
    package var routes: [RouteRecord]
    package var v4AssignMode: V4Mode
    package var v6AssignMode: V6Mode
    package var rules: [Rule] = [Rule(not: false, or: false, type: "ACTION_ACCEPT")]
    package var capabilities: [Int] = []
    package var tags: [Int] = []
    /// ZeroTier writes `[]` until DNS is set, then `{"domain": …, "servers": [...]}`.
    package var dns = DNSRecord()
    package var remoteTraceLevel = 0
    /// netcon's addition: the controller answers the DNS domain's names itself (absent: it does not).
    package var netconControllerAnswersDNS: Bool?
}

/// A network record's `dns`: an object when set; the empty array ZeroTier starts with (or anything else) is none.
package struct DNSRecord: Codable, Equatable {
    package var domain: String?
    package var servers: [String]?

    package init(domain: String? = nil, servers: [String]? = nil) {
        self.domain = domain
        self.servers = servers
    }

    enum CodingKeys: String, CodingKey { case domain, servers }

    package init(from decoder: any Decoder) throws {
        guard let object = try? decoder.container(keyedBy: CodingKeys.self) else { return }
        domain = try? object.decode(String.self, forKey: .domain)
        servers = try? object.decode([String].self, forKey: .servers)
    }

    package func encode(to encoder: any Encoder) throws {
        guard domain != nil || servers != nil else {
            _ = encoder.unkeyedContainer()  // ZeroTier's `[]`
            return
        }
        var object = encoder.container(keyedBy: CodingKeys.self)
        try object.encode(domain ?? "", forKey: .domain)
        try object.encode(servers ?? [], forKey: .servers)
    }
}

package struct MemberRecord: Codable, Equatable {
    package var id: String
    package var address: String
    package var nwid: String
    package var objtype = "member"
    package var identity: String?
    package var authorized: Bool
    package var ipAssignments: [String]
    package var activeBridge: Bool
    package var noAutoAssignIps: Bool
    package var creationTime: Int64
    package var lastAuthorizedTime: Int64
    package var lastDeauthorizedTime: Int64
    package var revision: UInt64
    package var vMajor: Int
    package var vMinor: Int
    package var vRev: Int
    package var vProto: Int
    package var capabilities: [Int] = []
    package var tags: [Int] = []
    package var remoteTraceLevel = 0
    /// netcon's addition (ZeroTier keeps it in memory only): when the member last asked for its config.
    package var lastSeen: Int64?
    /// The member's name (ZeroTier Central's field of the same name); absent when it has none.
    package var name: String?
}

extension NetworkRecord {
    package init(_ network: ControllerNetwork) {
        id = network.id.description
        nwid = network.id.description
        name = network.name
        `private` = network.isPrivate
        creationTime = network.creationTime
        revision = network.revision
        mtu = network.mtu
        multicastLimit = network.multicastLimit
        enableBroadcast = network.enableBroadcast
        ipAssignmentPools = network.ipv4Pools.map {
            Pool(ipRangeStart: IPAddress.v4($0.first).description, ipRangeEnd: IPAddress.v4($0.last).description)
        }
        routes = network.routes.map { RouteRecord(target: "\($0.target)/\($0.prefixLength)", via: $0.via?.description) }
        v4AssignMode = V4Mode(zt: network.assignIPv4)
        v6AssignMode = V6Mode(sixPlane: network.sixPlane, rfc4193: network.rfc4193, zt: false)
        if let dns = network.dns { self.dns = DNSRecord(domain: dns.domain, servers: dns.servers.map(\.description)) }
        netconControllerAnswersDNS = network.controllerAnswersDNS ? true : nil
    }

    package func model() throws(ControllerRecordError) -> ControllerNetwork {
        guard let network = NetworkID(nwid) else { throw ControllerRecordError("bad network ID \(nwid) in controller database") }
        var pools = [ControllerNetwork.IPv4Pool]()
        for pool in ipAssignmentPools {
            guard case .v4(let first)? = IPAddress(pool.ipRangeStart), case .v4(let last)? = IPAddress(pool.ipRangeEnd) else { continue }
            pools.append(.init(first: first, last: last))
        }
        var parsedRoutes = [ControllerNetwork.Route]()
        for route in routes {
            let parts = route.target.split(separator: "/")
            guard parts.count == 2, let target = IPAddress(String(parts[0])), let bits = UInt8(parts[1]) else { continue }
            parsedRoutes.append(.init(target: target, prefixLength: bits, via: route.via.flatMap { IPAddress($0) }))
        }
        return ControllerNetwork(
            id: network, name: name, isPrivate: `private`, creationTime: creationTime, revision: revision, mtu: mtu,
            multicastLimit: multicastLimit, enableBroadcast: enableBroadcast, ipv4Pools: pools, routes: parsedRoutes,
            assignIPv4: v4AssignMode.zt, rfc4193: v6AssignMode.rfc4193, sixPlane: v6AssignMode.sixPlane,
            dns: dns.model, controllerAnswersDNS: netconControllerAnswersDNS == true
        )
    }
}

extension MemberRecord {
    package init(_ member: ControllerMember) {
        id = member.address.description
        address = member.address.description
        nwid = member.network.description
        identity = member.identity?.publicString
        authorized = member.authorized
        ipAssignments = member.ipAssignments.map(\.description)
        activeBridge = member.activeBridge
        noAutoAssignIps = member.noAutoAssignIPs
        creationTime = member.creationTime
        lastAuthorizedTime = member.lastAuthorizedTime
        lastDeauthorizedTime = member.lastDeauthorizedTime
        revision = member.revision
        vMajor = member.remoteVersion.map { Int($0.major) } ?? -1
        vMinor = member.remoteVersion.map { Int($0.minor) } ?? -1
        vRev = member.remoteVersion.map { Int($0.revision) } ?? -1
        vProto = member.remoteProtocolVersion.map(Int.init) ?? -1
        lastSeen = member.lastRequestTime > 0 ? member.lastRequestTime : nil
        name = member.name.isEmpty ? nil : member.name
    }

    package func model() throws(ControllerRecordError) -> ControllerMember {
        guard let network = NetworkID(nwid), let member = Address(address) else {
            throw ControllerRecordError("bad member \(nwid)/\(address) in controller database")
        }
        let version: SoftwareVersion? = vMajor >= 0 && vMinor >= 0 && vRev >= 0
            ? SoftwareVersion(major: UInt8(clamping: vMajor), minor: UInt8(clamping: vMinor), revision: UInt16(clamping: vRev)) : nil
        return ControllerMember(
            network: network, address: member, identity: identity.flatMap { try? Identity($0) }, authorized: authorized,
            ipAssignments: ipAssignments.compactMap { IPAddress($0) }, noAutoAssignIPs: noAutoAssignIps, activeBridge: activeBridge,
            creationTime: creationTime, lastAuthorizedTime: lastAuthorizedTime, lastDeauthorizedTime: lastDeauthorizedTime,
            lastRequestTime: lastSeen ?? 0, revision: revision, remoteVersion: version,
            remoteProtocolVersion: vProto >= 0 ? UInt8(clamping: vProto) : nil, name: name ?? ""
        )
    }
}

extension DNSRecord {
    /// The settings members get: what parses (at most four servers), nil when nothing is set.
    var model: NetworkConfig.DNS? {
        let parsed = (servers ?? []).compactMap { IPAddress($0) }.prefix(NetworkConfig.DNS.maxServers)
        let domain = domain ?? ""
        guard !domain.isEmpty || !parsed.isEmpty else { return nil }
        return NetworkConfig.DNS(domain: domain, servers: Array(parsed))
    }
}
