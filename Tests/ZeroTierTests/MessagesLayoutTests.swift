import Foundation
import Testing
@testable import ZeroTier

/// Layouts the capture does not exercise (ERROR, ECHO, EXT_FRAME, IPv6 addresses, optional fields, the other
/// credentials), built by hand from ZeroTier's documented formats.
@Suite struct MessagesLayoutTests {
    static let network = NetworkID("cf2daa94e4000001")!
    static let m1 = Address("0f845b7051")!
    static let m2 = Address("eddffe2b19")!
    static let signature = [UInt8](repeating: 0x5a, count: 96)

    static func identity(_ name: String) throws -> Identity { try Identity(try Vectors.text("world/\(name).public")) }

    /// A signed COM like the controller's (seven qualifiers).
    static var certificate: CertificateOfMembership {
        let qualifiers = [
            CertificateOfMembership.Qualifier(id: 0, value: 0x1a2_24e5_af01, maxDelta: 0x1b_7740),
            .init(id: 1, value: network.rawValue, maxDelta: 0),
            .init(id: 2, value: m1.rawValue, maxDelta: .max),
        ] + (3...6).map { CertificateOfMembership.Qualifier(id: UInt64($0), value: UInt64($0) &* 0x0123_4567_89ab_cdef, maxDelta: .max) }
        return CertificateOfMembership(qualifiers: qualifiers, signer: network.controller, signature: signature)
    }

    static func hexBytes(_ text: String) -> [UInt8] { Hex.decode(text.filter { !$0.isWhitespace })! }

    // Hand-built credentials in ZeroTier's serialization (signature type 1 with 96 bytes, empty extension).
    static var tagBytes: [UInt8] {
        var writer = ByteWriter()
        writer.write(network.rawValue); writer.write(UInt64(1_795_915_362_049)); writer.write(UInt32(7)); writer.write(UInt32(42))
        writer.write(m1); writer.write(network.controller)
        writer.write(UInt8(1)); writer.write(UInt16(96)); writer.write(signature); writer.write(UInt16(0))
        return writer.bytes
    }

    static var revocationBytes: [UInt8] {
        var writer = ByteWriter()
        writer.write(UInt32(0)); writer.write(UInt32(9)); writer.write(network.rawValue); writer.write(UInt32(0))
        writer.write(UInt32(7)); writer.write(UInt64(1_795_915_362_000)); writer.write(UInt64(0))
        writer.write(m2); writer.write(network.controller); writer.write(UInt8(3))
        writer.write(UInt8(1)); writer.write(UInt16(96)); writer.write(signature); writer.write(UInt16(0))
        return writer.bytes
    }

    static var capabilityBytes: [UInt8] {
        var writer = ByteWriter()
        writer.write(network.rawValue); writer.write(UInt64(1_795_915_362_049)); writer.write(UInt32(3))
        writer.write(UInt16(2))
        writer.write([0x2c, 2, 0x08, 0x00])  // match ethertype 0x0800
        writer.write([0x01, 0])  // accept
        writer.write(UInt8(7))  // max custody chain length
        writer.write(m1); writer.write(network.controller)  // one link: to, from
        writer.write(UInt8(1)); writer.write(UInt16(96)); writer.write(signature)
        writer.writeBigEndian(0, width: 5)  // end of chain
        writer.write(UInt16(3)); writer.write([1, 2, 3])  // a 3-byte extension
        return writer.bytes
    }

    static var ownershipBytes: [UInt8] {
        var writer = ByteWriter()
        writer.write(network.rawValue); writer.write(UInt64(1_795_915_362_049)); writer.write(UInt64(0)); writer.write(UInt32(1))
        writer.write(UInt16(1))
        writer.write(UInt8(2)); writer.write([10, 147, 17, 171] + [UInt8](repeating: 0, count: 12))
        writer.write(m1); writer.write(network.controller)
        writer.write(UInt8(1)); writer.write(UInt16(96)); writer.write(signature); writer.write(UInt16(0))
        return writer.bytes
    }

    /// Hand-built payloads of every message type, for the fuzzer as seeds too.
    static func seeds() throws -> [Verb: [[UInt8]]] {
        let hello = HelloMessage(version: SoftwareVersion(major: 1, minor: 14, revision: 1), timestamp: 1_795_915_356_767,
                                 identity: try identity("m1"), destination: InetEndpoint("fd00::1/9993"),
                                 planet: .init(id: 121_381_604_061_038, timestamp: 1_764_377_000_000), encryptedTail: [0x44, 0x0f])
        let credentials = try NetworkCredentialsMessage(payload: [UInt8](certificate.encodedBytes) + [0]
            + [0, 1] + capabilityBytes + [0, 1] + tagBytes + [0, 1] + revocationBytes + [0, 1] + ownershipBytes)
        return [
            .hello: [hello.encoded()],
            .error: [
                ErrorMessage(inReVerb: .frame, inRePacketID: 1, code: .needMembershipCertificate, payload: .network(network, details: nil)).encoded(),
                ErrorMessage(inReVerb: .networkConfigRequest, inRePacketID: 2, code: .networkAuthenticationRequired,
                             payload: .network(network, details: Array("aurl=https://example.com\n".utf8))).encoded(),
                ErrorMessage(inReVerb: .multicastFrame, inRePacketID: 3, code: .unwantedMulticast,
                             payload: .unwantedMulticast(network, .arp(for: 0x0a93_11c3))).encoded(),
                ErrorMessage(inReVerb: .hello, inRePacketID: 4, code: .identityCollision, payload: .none).encoded(),
            ],
            .ok: [
                OKMessage(inRePacketID: 5, body: .extFrame(network)).encoded(),
                OKMessage(inRePacketID: 6, body: .hello(HelloReply(timestamp: 9, version: SoftwareVersion(major: 1, minor: 14, revision: 1),
                                                                   observedAddress: InetEndpoint("10.77.3.1/9993"),
                                                                   worldUpdates: [try World(bytes: try Vectors.bytes("planet/planet"))]))).encoded(),
                OKMessage(inRePacketID: 7, body: .multicastFrame(MulticastFrameReply(
                    network: network, group: .arp(for: 1), certificate: certificate,
                    results: MulticastGatherResults(totalKnown: 3, members: [m1, m2])))).encoded(),
            ],
            .echo: [EchoMessage(data: Array("ping".utf8)).encoded()],
            .extFrame: [ExtFrameMessage(network: network, flags: ExtFrameMessage.ackRequestedFlag, certificate: certificate,
                                        destinationMAC: MAC("02:ed:df:1a:bf:b3")!, sourceMAC: MAC("02:0f:84:bf:e4:fb")!,
                                        etherType: 0x0800, payload: [0x45, 0, 0, 20]).encoded()],
            .multicastFrame: [MulticastFrameMessage(network: network, flags: MulticastFrameMessage.replicateFlag, certificate: certificate,
                                                    gatherLimit: 33, sourceMAC: MAC("02:0f:84:bf:e4:fb")!,
                                                    group: MulticastGroup(mac: MAC("33:33:00:00:00:01")!), etherType: 0x86dd,
                                                    payload: [0x60, 0, 0, 0]).encoded()],
            .rendezvous: [RendezvousMessage(peer: m2, endpoint: InetEndpoint("fd00::4/9993")!).encoded()],
            .pushDirectPaths: [PushDirectPathsMessage(paths: [
                .init(endpoint: InetEndpoint("fd00::4/9993")!),
                .init(flags: 0x02, extensionBytes: [9, 9], addressType: 4, addressBytes: [10, 77, 4, 1, 0x27, 0x09]),
                .init(flags: 0, addressType: 7, addressBytes: [1, 2, 3]),
            ]).encoded()],
            .networkCredentials: [credentials.encoded()],
            .networkConfigRequest: [NetworkConfigRequestMessage(network: network, metadata: Array("v=7\n".utf8), current: nil).encoded()],
            .networkConfig: [NetworkConfigMessage(chunk: NetworkConfigChunk(network: network, data: Array("v=7\n".utf8), update: nil)).encoded()],
        ]
    }

    // MARK: - ERROR

    @Test func errorPayloadsAreTypedWhereZeroTierDefinesThem() throws {
        let payloads = try #require(try Self.seeds()[.error])
        let decoded = try payloads.map { try ErrorMessage(payload: $0) }
        #expect(decoded.map(\.payload) == [
            .network(Self.network, details: nil),
            .network(Self.network, details: Array("aurl=https://example.com\n".utf8)),
            .unwantedMulticast(Self.network, MulticastGroup(mac: .broadcast, adi: 0x0a93_11c3)),
            .none,
        ])
        #expect(decoded.map(\.network) == [Self.network, Self.network, Self.network, nil])
        for (message, payload) in zip(decoded, payloads) { #expect(message.encoded() == payload) }
        // What ZeroTier's _sendErrorNeedCredentials writes for a FRAME: verb, packet ID, code 6, network ID.
        #expect(payloads[0] == Self.hexBytes("06 0000000000000001 06 cf2daa94e4000001"))

        // Odd payloads stay raw and re-encode as they came.
        for (code, rest) in [(ErrorCode.objectNotFound, [UInt8](repeating: 1, count: 9)), (.identityCollision, [7]),
                             (.unwantedMulticast, [UInt8](repeating: 2, count: 8)), (.invalidRequest, [3, 4]),
                             (.networkAccessDenied, [UInt8](repeating: 0, count: 8) + [0, 5, 1])] {
            let payload = [Verb.networkConfigRequest.rawValue] + [UInt8](repeating: 0xab, count: 8) + [code.rawValue] + rest
            let message = try ErrorMessage(payload: payload)
            #expect(message.payload == .raw(rest))
            #expect(message.encoded() == payload)
        }
        #expect(throws: DecodingError.self) { try ErrorMessage(payload: [0x0b] + [UInt8](repeating: 0, count: 8) + [0x42]) }
        #expect(throws: DecodingError.self) { try ErrorMessage(payload: [0x0f] + [UInt8](repeating: 0, count: 8) + [0x01]) }
        #expect(throws: DecodingError.self) { try ErrorMessage(payload: [0x0b, 0, 0, 0]) }
    }

    // MARK: - OK bodies not in the capture

    @Test func okBodiesRoundTrip() throws {
        let payloads = try #require(try Self.seeds()[.ok])
        let extFrame = try OKMessage(payload: payloads[0])
        #expect(extFrame.body == .extFrame(Self.network) && extFrame.inReVerb == .extFrame)

        let hello = try OKMessage(payload: payloads[1])
        guard case let .hello(reply) = hello.body else { Issue.record("not OK(HELLO)"); return }
        #expect(try reply.worldUpdates() == [try World(bytes: try Vectors.bytes("planet/planet"))])
        #expect(reply.rest.prefix(2) == [0x01, 0x01])  // 257 bytes of world update

        let frame = try OKMessage(payload: payloads[2])
        guard case let .multicastFrame(frameReply) = frame.body else { Issue.record("not OK(MULTICAST_FRAME)"); return }
        #expect(frameReply.flags == 0x03 && frameReply.certificate == Self.certificate)
        #expect(frameReply.results?.members == [Self.m1, Self.m2])
        for payload in payloads { #expect(try OKMessage(payload: payload).encoded() == payload) }

        // A NETWORK_CONFIG acknowledgement, as 1.14 sends it (in-re verb ECHO).
        let ack = OKMessage.configAcknowledgement(inRePacketID: 0x390b_d9bf_ad6c_cc71, network: Self.network, updateID: 0xc6fc_2db5_16f5_b533)
        #expect(Hex.encode(ack.encoded()) == "08390bd9bfad6ccc71cf2daa94e4000001c6fc2db516f5b533")
        #expect(ack.configAcknowledgement?.updateID == 0xc6fc_2db5_16f5_b533)
        #expect(OKMessage(inRePacketID: 1, body: .echo([1, 2])).configAcknowledgement == nil)

        // Verbs without a typed body are kept raw; unassigned in-re verbs throw.
        let nop = [UInt8(0)] + [UInt8](repeating: 1, count: 8) + [9, 9]
        #expect(try OKMessage(payload: nop).body == .other(.nop, [9, 9]))
        #expect(throws: DecodingError.self) { try OKMessage(payload: [0x11] + [UInt8](repeating: 0, count: 8)) }
    }

    // MARK: - Frames

    @Test func extFrameCarriesTheCertificateBetweenFlagsAndMACs() throws {
        let payload = try #require(try Self.seeds()[.extFrame]?.first)
        let frame = try ExtFrameMessage(payload: payload)
        #expect(frame.flags == 0x11 && frame.certificate == Self.certificate)
        #expect(payload[9] == 0x01)  // COM format byte right after the flags
        #expect(frame.destinationMAC == MAC("02:ed:df:1a:bf:b3") && frame.etherType == 0x0800 && frame.payload == [0x45, 0, 0, 20])
        #expect(frame.encoded() == payload)

        let plain = ExtFrameMessage(network: Self.network, flags: 0x01, destinationMAC: .broadcast, sourceMAC: MAC("02:0f:84:bf:e4:fb")!,
                                    etherType: 0x0806, payload: [])
        #expect(plain.encoded()[8] == 0x00)  // the COM flag follows `certificate`
        #expect(plain.encoded().count == 8 + 1 + 6 + 6 + 2)
    }

    @Test func multicastFrameOptionalFieldsFollowTheirFlags() throws {
        let payload = try #require(try Self.seeds()[.multicastFrame]?.first)
        let frame = try MulticastFrameMessage(payload: payload)
        #expect(frame.flags == 0x0f)
        #expect(frame.gatherLimit == 33 && frame.sourceMAC == MAC("02:0f:84:bf:e4:fb") && frame.certificate == Self.certificate)
        #expect(frame.group == MulticastGroup(mac: MAC("33:33:00:00:00:01")!) && frame.etherType == 0x86dd)
        #expect(frame.encoded() == payload)
        #expect(payload.count == 8 + 1 + Self.certificate.encodedBytes.count + 4 + 6 + 6 + 4 + 2 + 4)
    }

    @Test func echoIsRawBytes() throws {
        #expect(try EchoMessage(payload: []).data.isEmpty)
        #expect(try EchoMessage(payload: [1, 2, 3]).encoded() == [1, 2, 3])
    }

    // MARK: - Addresses

    @Test func rendezvousAndDirectPathsCarryIPv6() throws {
        let rendezvous = try RendezvousMessage(payload: try #require(try Self.seeds()[.rendezvous]?.first))
        #expect(rendezvous.endpoint.description == "fd00::4/9993" && rendezvous.peer == Self.m2)
        #expect(rendezvous.encoded().count == 1 + 5 + 2 + 1 + 16)
        #expect(throws: DecodingError.self) { try RendezvousMessage(payload: Self.hexBytes("00 eddffe2b19 2709 05 0a4d040101")) }
        // Bytes after the address are ignored.
        #expect(try RendezvousMessage(payload: Self.hexBytes("00 eddffe2b19 2709 04 0a4d0401 ffff")).endpoint.description == "10.77.4.1/9993")

        let push = try PushDirectPathsMessage(payload: try #require(try Self.seeds()[.pushDirectPaths]?.first))
        #expect(push.paths.map { $0.endpoint?.description } == ["fd00::4/9993", "10.77.4.1/9993", nil])
        #expect(push.paths[1].flags == PushDirectPathsMessage.Path.clusterRedirectFlag && push.paths[1].extensionBytes == [9, 9])
        #expect(push.paths[0].addressBytes.count == 18)
    }

    // MARK: - HELLO

    @Test func helloRoundTripsAndLocatesItsTail() throws {
        let payload = try #require(try Self.seeds()[.hello]?.first)
        let hello = try HelloMessage(payload: payload)
        #expect(hello.identity == (try Self.identity("m1")) && hello.destination == InetEndpoint("fd00::1/9993"))
        #expect(hello.encryptedTailOffset == payload.count - 2 && hello.encoded() == payload)

        // Older senders stop after the identity or the address; 1–15 bytes after the address are tail, not planet.
        let bare = Array(payload.prefix(1 + 4 + 8 + Identity.binaryPublicByteCount))
        let short = try HelloMessage(payload: bare)
        #expect(short.destination == nil && short.planet == nil && short.encryptedTail.isEmpty)
        #expect(short.encoded() == bare + [0])
        let withAddress = Array(payload.prefix(bare.count + 19))
        let odd = try HelloMessage(payload: withAddress + [1, 2, 3])
        #expect(odd.planet == nil && odd.encryptedTail == [1, 2, 3] && odd.encryptedTailOffset == withAddress.count)

        // Identities with another key type or with a private key are refused.
        var badType = payload
        badType[13 + 5] = 1
        #expect(throws: DecodingError.self) { try HelloMessage(payload: badType) }
        var secret = payload
        secret[13 + 5 + 1 + 64] = 64
        #expect(throws: DecodingError.self) { try HelloMessage(payload: secret) }

        let moons = [HelloMessage.Moon(world: .init(id: 0xdead_beef, timestamp: 12)), HelloMessage.Moon(type: 1, world: .init(id: 1, timestamp: 2))]
        let list = HelloMessage.Moon.encodeList(moons)
        #expect(list.count == 2 + 2 * 17)
        #expect(try HelloMessage.Moon.decodeList(list + [0xff]) == moons)
        #expect(throws: DecodingError.self) { try HelloMessage.Moon.decodeList(Array(list.dropLast())) }
    }

    @Test func whoisIgnoresLeftoversAndTheReplyReadsEveryIdentity() throws {
        #expect(try WhoisMessage(payload: Self.hexBytes("4518434e30 0f845b7051 0102")).addresses == [Address("4518434e30")!, Self.m1])
        var writer = ByteWriter()
        try Self.identity("root").encode(to: &writer)
        try Self.identity("m2").encode(to: &writer)
        var reader = ByteReader(writer.bytes + [1, 2, 3])
        let reply = try WhoisReply(from: &reader)
        #expect(reply.identities.map(\.address) == [Address("4518434e30")!, Self.m2])
        var garbage = ByteReader([1, 2, 3])
        #expect(throws: DecodingError.self) { try WhoisReply(from: &garbage) }
    }

    // MARK: - Credentials

    @Test func certificateOfMembershipLayout() throws {
        let certificate = Self.certificate
        let bytes = certificate.encodedBytes
        #expect(bytes.count == 1 + 2 + 7 * 24 + 5 + 96)
        #expect(try CertificateOfMembership(bytes: bytes) == certificate)
        #expect(certificate.networkID == Self.network && certificate.issuedTo == Self.m1 && certificate.timestamp == 0x1a2_24e5_af01)
        #expect(certificate.signedBytes == Array(bytes[3..<(3 + 7 * 24)]))

        let unsigned = CertificateOfMembership(qualifiers: [], signer: nil, signature: [])
        #expect(unsigned.encodedBytes == [1, 0, 0, 0, 0, 0, 0, 0])
        #expect(try CertificateOfMembership(bytes: unsigned.encodedBytes) == unsigned)

        var tooMany = ByteWriter()
        tooMany.write(UInt8(1)); tooMany.write(UInt16(9))
        for id in 0..<9 { tooMany.write(UInt64(id)); tooMany.write(UInt64(0)); tooMany.write(UInt64(0)) }
        tooMany.writeBigEndian(0, width: 5)
        #expect(throws: DecodingError.self) { try CertificateOfMembership(bytes: tooMany.bytes) }
        var outOfOrder = bytes
        outOfOrder[3 + 24 + 7] = 9  // second qualifier id 1 → 9, above the third's 2
        #expect(throws: DecodingError.self) { try CertificateOfMembership(bytes: outOfOrder) }
        var badFormat = bytes
        badFormat[0] = 2
        #expect(throws: DecodingError.self) { try CertificateOfMembership(bytes: badFormat) }
    }

    @Test func networkCredentialsReadEverySection() throws {
        let payload = try #require(try Self.seeds()[.networkCredentials]?.first)
        let credentials = try NetworkCredentialsMessage(payload: payload)
        #expect(credentials.certificatesOfMembership == [Self.certificate])
        #expect(credentials.capabilities.map(\.bytes) == [Self.capabilityBytes])
        #expect(credentials.capabilities.first?.ruleCount == 2 && credentials.capabilities.first?.id == 3)
        #expect(credentials.tags.map(\.bytes) == [Self.tagBytes])
        #expect(credentials.tags.first?.value == 42 && credentials.tags.first?.issuedTo == Self.m1)
        #expect(credentials.revocations.map(\.bytes) == [Self.revocationBytes])
        #expect(credentials.revocations.first?.target == Self.m2 && credentials.revocations.first?.credentialID == 7)
        #expect(credentials.certificatesOfOwnership.map(\.bytes) == [Self.ownershipBytes])
        #expect(credentials.certificatesOfOwnership.first?.networkID == Self.network)
        #expect(credentials.encoded() == payload)

        // Old senders: COMs only (with or without the 0), or stopping after a section.
        let com = Self.certificate.encodedBytes
        #expect(try NetworkCredentialsMessage(payload: com).certificatesOfMembership.count == 1)
        #expect(try NetworkCredentialsMessage(payload: com + com + [0]).certificatesOfMembership.count == 2)
        #expect(try NetworkCredentialsMessage(payload: [0, 0, 0]).encoded() == [0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(throws: DecodingError.self) { try NetworkCredentialsMessage(payload: [0, 0, 1]) }

        // A C25519 signature must be 96 bytes; a custody chain no longer than announced; at most 16 things.
        var badSignature = Self.tagBytes
        badSignature[8 + 8 + 4 + 4 + 5 + 5 + 2] = 95
        #expect(throws: DecodingError.self) { try NetworkCredentialsMessage(payload: [0, 0, 0, 0, 1] + badSignature) }
        var shortChain = Self.capabilityBytes
        shortChain[8 + 8 + 4 + 2 + 4 + 2] = 0
        #expect(throws: DecodingError.self) { try NetworkCredentialsMessage(payload: [0, 0, 1] + shortChain) }
        var manyThings = Self.ownershipBytes
        manyThings[8 + 8 + 8 + 4 + 1] = 17
        #expect(throws: DecodingError.self) { try NetworkCredentialsMessage(payload: [0, 0, 0, 0, 0, 0, 0, 0, 1] + manyThings) }
    }

    // MARK: - Network config

    @Test func configRequestAndChunkOptionalTails() throws {
        let request = try NetworkConfigRequestMessage(payload: try #require(try Self.seeds()[.networkConfigRequest]?.first))
        #expect(request.current == nil && request.metadata == Array("v=7\n".utf8))
        let withTail = request.encoded() + [UInt8](repeating: 0, count: 15)
        #expect(try NetworkConfigRequestMessage(payload: withTail).current == nil)
        #expect(try NetworkConfigRequestMessage(payload: withTail + [0]).current == .empty)
        #expect(throws: DecodingError.self) { try NetworkConfigRequestMessage(payload: Self.hexBytes("cf2daa94e4000001 0005 763d37")) }

        let legacy = try NetworkConfigMessage(payload: try #require(try Self.seeds()[.networkConfig]?.first))
        #expect(legacy.chunk.update == nil && legacy.chunk.signedBytes == legacy.encoded())
        let update = NetworkConfigChunk.Update(id: 7, totalLength: 4, offset: 0, signature: Self.signature)
        let chunk = NetworkConfigChunk(network: Self.network, data: Array("v=7\n".utf8), update: update)
        #expect(chunk.encodedBytes.count == 8 + 2 + 4 + 1 + 8 + 4 + 4 + 1 + 2 + 96)
        #expect(chunk.signedBytes == Array(chunk.encodedBytes.prefix(8 + 2 + 4 + 1 + 8 + 4 + 4)))
        #expect(throws: DecodingError.self) { try NetworkConfigMessage(payload: Array(chunk.encodedBytes.dropLast())) }
        #expect(try NetworkConfigMessage(payload: chunk.encodedBytes + [1]).chunk == chunk)
    }

    @Test func multicastLikeRefusesAPartialEntry() throws {
        let entry = Self.hexBytes("cf2daa94e4000001 01005e000001 00000000")
        #expect(try MulticastLikeMessage(payload: entry + entry).likes.count == 2)
        #expect(try MulticastLikeMessage(payload: []).likes.isEmpty)
        #expect(throws: DecodingError.self) { try MulticastLikeMessage(payload: entry + entry.prefix(17)) }
    }
}

extension CertificateOfMembership {
    var encodedBytes: [UInt8] {
        var writer = ByteWriter()
        encode(to: &writer)
        return writer.bytes
    }

    /// Exactly one certificate filling `bytes`.
    init(bytes: [UInt8]) throws(DecodingError) {
        var reader = ByteReader(bytes)
        try self.init(from: &reader)
        guard reader.isAtEnd else { throw .invalid("bytes after the certificate") }
    }
}

extension NetworkConfigChunk {
    var encodedBytes: [UInt8] {
        var writer = ByteWriter()
        encode(to: &writer)
        return writer.bytes
    }
}
