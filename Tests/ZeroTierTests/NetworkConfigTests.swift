import Foundation
import Testing
@testable import ZeroTier

@Suite struct NetworkConfigTests {
    struct Expected {
        var member: String
        var network: NetworkID
        var ipv4: String
        var ipv6: String?
        var route: String
        var flags: UInt64
        var type: NetworkConfig.NetworkType
        var name: String
    }

    static let expectations: [String: Expected] = [
        "m1/cf2daa94e4000001.conf": Expected(member: "0f845b7051", network: NetworkVectors.privateNetwork,
                                             ipv4: "10.147.17.171/24", ipv6: "fdcf:2daa:94e4:0:199:930f:845b:7051/88",
                                             route: "10.147.17.0/24", flags: 6, type: .private, name: "ztw-private"),
        "m1/cf2daa94e4000002.conf": Expected(member: "0f845b7051", network: NetworkVectors.publicNetwork,
                                             ipv4: "10.147.18.171/24", ipv6: nil,
                                             route: "10.147.18.0/24", flags: 2, type: .public, name: "ztw-public"),
        "m2/cf2daa94e4000001.conf": Expected(member: "eddffe2b19", network: NetworkVectors.privateNetwork,
                                             ipv4: "10.147.17.195/24", ipv6: "fdcf:2daa:94e4:0:199:93ed:dffe:2b19/88",
                                             route: "10.147.17.0/24", flags: 6, type: .private, name: "ztw-private"),
        "m2/cf2daa94e4000002.conf": Expected(member: "eddffe2b19", network: NetworkVectors.publicNetwork,
                                             ipv4: "10.147.18.195/24", ipv6: nil,
                                             route: "10.147.18.0/24", flags: 2, type: .public, name: "ztw-public"),
    ]

    @Test(arguments: NetworkVectors.confNames)
    func realConfigsDecodeToTheCapturedValues(name: String) throws {
        let expected = try #require(Self.expectations[name])
        let config = try NetworkConfig(decoding: try NetworkVectors.confBytes(name))
        #expect(config.networkID == expected.network)
        #expect(config.issuedTo == Address(expected.member))
        #expect(config.credentialTimeMaxDelta == 1_800_000)
        #expect(config.revision == 1)
        #expect(config.remoteTraceTarget == nil && config.remoteTraceLevel == 0)
        #expect(config.flags.rawValue == expected.flags)
        #expect(config.enableBroadcast)
        #expect(config.ipv6NDPEmulation == (expected.type == .private))
        #expect(config.type == expected.type)
        #expect(config.isPrivate == (expected.type == .private) && config.isPublic == (expected.type == .public))
        #expect(config.multicastLimit == 32)
        #expect(config.name == expected.name)
        #expect(config.mtu == 2800)
        #expect(config.assignedIPv4.map(\.description) == [expected.ipv4])
        #expect(config.assignedIPv6.map(\.description) == (expected.ipv6.map { [$0] } ?? []))
        // ZeroTier lists the rfc4193 address first (assigned before the pool address).
        #expect(config.staticIPs.map(\.description) == [expected.ipv6, expected.ipv4].compactMap { $0 })
        #expect(config.routes == [NetworkConfig.Route(target: IPPrefix(expected.route)!)])
        #expect(config.rules == [.accept])
        #expect(config.dns == nil)
        #expect(config.sso == NetworkConfig.SSO())
        #expect(config.specialists.isEmpty && config.capabilities.isEmpty && config.tags.isEmpty)
        let com = try #require(config.certificateOfMembership)
        #expect(com.networkID == expected.network)
        #expect(com.issuedTo == Address(expected.member))
        #expect(com.timestamp == UInt64(config.timestamp))
        #expect(com.signer == Address("cf2daa94e4"))
        #expect(config.certificatesOfOwnership.count == 1)
        #expect(config.certificatesOfOwnership.first?.issuedTo == Address(expected.member))
        #expect(config.certificatesOfOwnership.first?.networkID == expected.network)
    }

    /// Every scalar and blob against the independent checker's decoding.
    @Test(arguments: NetworkVectors.confNames)
    func realConfigsAgreeWithTheChecker(name: String) throws {
        let json = try #require(try NetworkVectors.decodedConfigs()[name])
        let config = try NetworkConfig(decoding: try NetworkVectors.confBytes(name))
        func hex(_ key: String) throws -> UInt64 {
            let text = try #require(json[key] as? String)
            return try #require(UInt64(text, radix: 16))
        }
        func blob(_ key: String) throws -> [UInt8] {
            let object = try #require(json[key] as? [String: Any])
            return try Vectors.hex(try #require(object["hex"] as? String))
        }
        #expect(try hex("v") == NetworkConfig.formatVersion)
        #expect(try hex("nwid") == config.networkID.rawValue)
        #expect(try hex("ts") == UInt64(config.timestamp))
        #expect(try hex("ctmd") == UInt64(config.credentialTimeMaxDelta))
        #expect(try hex("r") == config.revision)
        #expect(try hex("id") == config.issuedTo.rawValue)
        #expect(try hex("tt") == 0 && config.remoteTraceTarget == nil)
        #expect(try hex("tl") == config.remoteTraceLevel)
        #expect(try hex("f") == config.flags.rawValue)
        #expect(try hex("ml") == UInt64(config.multicastLimit))
        #expect(try hex("t") == UInt64(config.type.rawValue))
        #expect(try hex("mtu") == UInt64(config.mtu))
        #expect(json["n"] as? String == config.name)
        #expect(try hex("ssov") == config.sso.version)
        #expect(json["ssoe"] as? String == "0" && !config.sso.enabled)

        var writer = ByteWriter()
        config.certificateOfMembership?.encode(to: &writer)
        #expect(writer.bytes == (try blob("C")))
        writer = ByteWriter()
        for certificate in config.certificatesOfOwnership { certificate.encode(to: &writer) }
        #expect(writer.bytes == (try blob("COO")))

        let staticIPs = try #require((json["I"] as? [String: Any])?["decoded"] as? [String])
        #expect(config.staticIPs.map(\.description) == staticIPs)
        let routes = try #require((json["RT"] as? [String: Any])?["decoded"] as? [[String: Any]])
        #expect(config.routes.map(\.target.description) == routes.map { $0["target"] as? String })
        #expect(routes.allSatisfy { $0["via"] is NSNull && $0["flags"] as? Int == 0 && $0["metric"] as? Int == 0 })
        #expect(try blob("R") == [0x01, 0x00])
        #expect(try blob("DNS") == [UInt8](repeating: 0, count: 132))
    }

    @Test(arguments: NetworkVectors.confNames)
    func realConfigsReencodeByteForByte(name: String) throws {
        let bytes = try NetworkVectors.confBytes(name)
        let config = try NetworkConfig(decoding: bytes)
        #expect(try config.encoded() == bytes)
    }

    @Test func buildsTheControllersConfigFromParts() throws {
        // What the capture's controller sent m1 for the private network, rebuilt field by field.
        let bytes = try NetworkVectors.confBytes("m1/cf2daa94e4000001.conf")
        let real = try NetworkConfig(decoding: bytes)
        let rebuilt = NetworkConfig(
            networkID: NetworkVectors.privateNetwork, issuedTo: Address("0f845b7051")!, timestamp: 0x1a2_24e5_af01,
            credentialTimeMaxDelta: 1_800_000, revision: 1, flags: [.enableBroadcast, .ipv6NDPEmulation],
            multicastLimit: 32, type: .private, name: "ztw-private", mtu: 2800,
            certificateOfMembership: real.certificateOfMembership,
            certificatesOfOwnership: real.certificatesOfOwnership,
            routes: [NetworkConfig.Route(target: IPPrefix("10.147.17.0/24")!)],
            staticIPs: [IPPrefix("fdcf:2daa:94e4:0:199:930f:845b:7051/88")!, IPPrefix("10.147.17.171/24")!],
            rules: [.accept])
        #expect(rebuilt == real)
        #expect(try rebuilt.encoded() == bytes)
    }

    @Test func optionalPartsRoundTrip() throws {
        var config = NetworkConfig(networkID: NetworkVectors.publicNetwork, issuedTo: Address("eddffe2b19")!,
                                   timestamp: -5, credentialTimeMaxDelta: 7_200_000, revision: 9)
        config.remoteTraceTarget = Address("4518434e30")
        config.remoteTraceLevel = 2
        config.flags = [.enableBroadcast, .disableCompression]
        config.type = .public
        config.name = "név = \"x\"\n"
        config.mtu = 1500
        config.specialists = [NetworkConfig.SpecialistRole.activeBridge | 0x0f845b7051, 0x1234]
        config.capabilities = [1, 2, 3]
        config.tags = [0, 0x3d]
        config.routes = [NetworkConfig.Route(target: IPPrefix("0.0.0.0/0")!, via: IPAddress("10.147.18.1"), flags: 1, metric: 7),
                         NetworkConfig.Route(target: IPPrefix("fd00::/8")!)]
        config.staticIPs = [IPPrefix("10.147.18.5/24")!, IPPrefix("fc12:3456:780f:845b:7051::1/40")!]
        config.rules = [NetworkConfig.Rule(type: 0x80 | 37, payload: [0x08, 0x00]), .drop, .accept]
        config.dns = NetworkConfig.DNS(domain: "zt.example", servers: [IPAddress("10.147.18.1")!, IPAddress("fd00::53")!])
        config.sso = NetworkConfig.SSO(version: 0, enabled: true, authenticationURL: "https://sso.example/a=b",
                                       authenticationExpiryTime: 1_700_000_000_000)
        let bytes = try config.encoded()
        let decoded = try NetworkConfig(decoding: bytes)
        #expect(decoded == config)
        #expect(try decoded.encoded() == bytes)
        #expect(decoded.activeBridges == [Address("0f845b7051")!])
        #expect(decoded.rules[0].isNegated && decoded.rules[0].kind == 37 && !decoded.rules[0].isAction)

        config.sso = NetworkConfig.SSO(version: 1, enabled: true, authenticationURL: "ignored in v1 output",
                                       issuerURL: "https://issuer", centralAuthURL: "https://central", nonce: "n",
                                       state: "s", clientID: "c", provider: "oidc")
        let v1 = try NetworkConfig(decoding: try config.encoded())
        #expect(v1.sso == NetworkConfig.SSO(version: 1, enabled: true, issuerURL: "https://issuer",
                                            centralAuthURL: "https://central", nonce: "n", state: "s", clientID: "c",
                                            provider: "oidc"))
        let keys = try NetworkDictionary(decoding: try config.encoded()).entries.map(\.key)
        #expect(keys.suffix(8) == ["ssov", "ssoe", "iurl", "ssoce", "sson", "ssos", "ssocid", "ssop"])
    }

    @Test func refusesConfigsZeroTierRefuses() throws {
        let real = try NetworkVectors.confBytes("m1/cf2daa94e4000001.conf")
        var dictionary = try NetworkDictionary(decoding: real)
        func without(_ key: String) throws -> NetworkDictionary {
            var copy = NetworkDictionary()
            for entry in dictionary.entries where entry.key != key { try copy.append(entry.key, bytes: entry.value) }
            return copy
        }
        #expect(throws: DecodingError.self) { try NetworkConfig(dictionary: try without("nwid")) }
        #expect(throws: DecodingError.self) { try NetworkConfig(dictionary: try without("id")) }
        #expect(throws: DecodingError.self) { try NetworkConfig(dictionary: try without("v")) }
        // A truncated binary value fails the whole config.
        var truncated = try without("RT")
        try truncated.append("RT", bytes: [0x04, 0x0a, 0x93])
        #expect(throws: DecodingError.self) { try NetworkConfig(dictionary: truncated) }
        // MTU is clamped, a missing one is the default.
        var small = try without("mtu")
        try small.append("mtu", uint64: 100)
        #expect(try NetworkConfig(dictionary: small).mtu == 1280)
        #expect(try NetworkConfig(dictionary: try without("mtu")).mtu == 2800)
        dictionary = try without("C")
        #expect(try NetworkConfig(dictionary: dictionary).certificateOfMembership == nil)
    }
}
