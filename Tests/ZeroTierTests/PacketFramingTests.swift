import Testing
@testable import ZeroTier

@Suite struct PacketFramingTests {
    /// The first datagram of the capture: the controller's HELLO to the root, cipher 0 (cleartext).
    static let helloHex = "2a90093ca4a338574518434e30cf2daa94e400f6d934d63891393e010c010e0001000001a224e59a5fcf2daa94e4006381526949c5fd41dbe5c38c03d860a33128531cce8e4ecaf9cb177678da050871e9ae93394cb17bbd01cb658a1b4d8205409ce0c5bd7e18bccefb153d3993ef00040a4d0101270900006e655b646f6e0000019acd107840440f"

    @Test func headerFieldsOfACapturedHello() throws {
        let bytes = try Vectors.hex(Self.helloHex)
        let packet = try Packet(bytes: bytes)
        #expect(packet.header.packetID == 0x2a90_093c_a4a3_3857)
        #expect(packet.header.destination == Address("4518434e30"))
        #expect(packet.header.source == Address("cf2daa94e4"))
        #expect(packet.header.flags.rawValue == 0)
        #expect(packet.header.flags.cipher == .poly1305None)
        #expect(!packet.header.flags.isFragmented)
        #expect(packet.header.flags.hops == 0)
        #expect(packet.header.mac == 0xf6d9_34d6_3891_393e)
        #expect(packet.header.verb == .hello)
        #expect(!packet.header.isCompressed)
        #expect(packet.payload.first == ProtocolLimits.protocolVersion)
        #expect(packet.length == bytes.count)
        #expect(packet.encoded() == bytes)
    }

    @Test func flagsBitsFollowZeroTiersLayout() {
        var flags = PacketFlags(cipher: .salsa2012Poly1305)
        #expect(flags.rawValue == 0x88)
        #expect(flags.legacyEncrypted)
        flags.cipher = .aesGmacSiv
        #expect(flags.rawValue == 0x18)
        flags.isFragmented = true
        #expect(flags.rawValue == 0x58)
        flags.hops = 3
        #expect(flags.rawValue == 0x5b)
        #expect(flags.withoutHops == 0x58)
        flags.hops = 9  // three bits only
        #expect(flags.hops == 1)
        flags.isFragmented = false
        flags.cipher = .poly1305None
        #expect(flags.rawValue == 0x01)
        #expect(PacketFlags(rawValue: 0x38).cipher.rawValue == 7)
        #expect(!PacketFlags(rawValue: 0x38).cipher.isDefined)
        #expect(CipherSuite(rawValue: 8) == nil)
    }

    @Test func verbsHaveZeroTiersNumbers() {
        let expected: [(Verb, UInt8)] = [
            (.nop, 0), (.hello, 1), (.error, 2), (.ok, 3), (.whois, 4), (.rendezvous, 5), (.frame, 6), (.extFrame, 7),
            (.echo, 8), (.multicastLike, 9), (.networkCredentials, 10), (.networkConfigRequest, 11), (.networkConfig, 12),
            (.multicastGather, 13), (.multicastFrame, 14), (.pushDirectPaths, 16), (.ack, 18), (.qosMeasurement, 19),
            (.userMessage, 20), (.remoteTrace, 21), (.pathNegotiationRequest, 22),
        ]
        #expect(Verb.allCases.count == expected.count)
        for (verb, number) in expected { #expect(verb.rawValue == number) }
        #expect(Verb(rawValue: 0x0f) == nil && Verb(rawValue: 0x11) == nil)
        #expect(Verb.multicastLike.description == "MULTICAST_LIKE")
        #expect(ErrorCode.allCases.map(\.rawValue) == Array(0...9))
        #expect(ErrorCode.networkAccessDenied.description == "NETWORK_ACCESS_DENIED")
    }

    @Test func compressedFlagIsTheTopBitOfTheVerbByte() {
        var header = PacketHeader(packetID: 1, destination: Address("0f845b7051")!, source: Address("eddffe2b19")!,
                                  cipher: .salsa2012Poly1305, verb: .networkConfig)
        #expect(header.verbByte == 0x0c)
        header.isCompressed = true
        #expect(header.verbByte == 0x8c)
        #expect(header.verb == .networkConfig)
        header.verbByte = 0x1f
        #expect(header.verb == nil)
    }

    @Test func fragmentLayout() throws {
        let fragment = Fragment(packetID: 0x6295_609d_bc36_c069, destination: Address("eddffe2b19")!, number: 1, total: 2,
                                data: [0xaa, 0xbb])
        let bytes = fragment.encoded()
        #expect(Hex.encode(bytes) == "6295609dbc36c069eddffe2b19ff2100aabb")
        #expect(bytes[13] == 0xff && bytes[14] == 0x21 && bytes[15] == 0)
        #expect(try Fragment(bytes: bytes) == fragment)
        #expect(try Datagram(bytes: bytes) == .fragment(fragment))
    }

    @Test func fragmentNumbersMustFitTheTotal() {
        let base: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 0x0f, 0x84, 0x5b, 0x70, 0x51, 0xff]
        for position: UInt8 in [0x20, 0x22, 0x23, 0x10, 0x11, 0x01, 0x00, 0xf0] {
            #expect(throws: DecodingError.self) { try Fragment(bytes: base + [position, 0, 9]) }
        }
        #expect((try? Fragment(bytes: base + [0xfe, 0, 9]))?.number == 14)
        #expect(throws: DecodingError.self) { try Fragment(bytes: base.prefix(13) + [0xfe, 0x21, 0, 9]) }
    }

    @Test func datagramClassification() throws {
        // 4-byte NAT-punch junk, runts, and 14–16 byte near-fragments are not ZeroTier datagrams.
        for length in [0, 1, 4, 12, 14, 15, 16, 27] {
            #expect(throws: DecodingError.self) { try Datagram(bytes: [UInt8](repeating: 0xff, count: length)) }
        }
        let beacon: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 0x0f, 0x84, 0x5b, 0x70, 0x51]
        #expect(try Datagram(bytes: beacon) == .beacon(Address("0f845b7051")!))
        let header = try Vectors.hex(Self.helloHex)
        guard case .packet = try Datagram(bytes: Array(header.prefix(28))) else { Issue.record("not a packet"); return }
        #expect(throws: DecodingError.self) { try Datagram(bytes: [UInt8](repeating: 0, count: ProtocolLimits.maxPacketLength + 1)) }
        #expect(throws: DecodingError.self) { try Packet(bytes: Array(header.prefix(27))) }
    }
}
