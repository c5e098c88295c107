import Foundation
import Testing
@testable import ZeroTier

/// Every packet of the real 1.14.1 session whose verb has a typed message: decoded, checked against the
/// independent decoder's fields in `session-decoded.json`, and re-encoded byte for byte.
@Suite struct MessagesCaptureTests {
    /// One packet of `session-decoded.json`, with its decoded fields kept as untyped JSON.
    struct CapturedPacket {
        var verb: String
        var src: String
        var dst: String
        var packetID: String
        var rawHex: String
        var payload: [UInt8]
        var fields: [String: Any]

        var inReVerb: String? { fields["inReVerb"] as? String }
        /// `OK(HELLO)`-style name for OK/ERROR, the verb otherwise.
        var kind: String { inReVerb.map { "\(verb)(\($0))" } ?? verb }

        func string(_ key: String) throws -> String { try #require(fields[key] as? String, "\(kind): no \(key)") }
        func int(_ key: String) throws -> Int { try #require(fields[key] as? Int, "\(kind): no \(key)") }
        func hex64(_ key: String) throws -> UInt64 { try #require(UInt64(try string(key), radix: 16)) }
        func hexBytes(_ key: String) throws -> [UInt8] { try Vectors.hex(try string(key)) }
        func object(_ key: String) throws -> [String: Any] { try #require(fields[key] as? [String: Any], "\(kind): no \(key)") }
        func list(_ key: String) throws -> [Any] { try #require(fields[key] as? [Any], "\(kind): no \(key)") }
    }

    static func packets() throws -> [CapturedPacket] {
        let data = try Data(contentsOf: Vectors.url("session/session-decoded.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let records = try #require(root["packets"] as? [[String: Any]])
        return try records.map { record in
            CapturedPacket(verb: try #require(record["verb"] as? String), src: try #require(record["src"] as? String),
                           dst: try #require(record["dst"] as? String), packetID: try #require(record["packetId"] as? String),
                           rawHex: try #require(record["rawHex"] as? String),
                           payload: try Vectors.hex(try #require(record["payloadHex"] as? String)),
                           fields: record["fields"] as? [String: Any] ?? [:])
        }
    }

    static func worldIdentities() throws -> [Address: Identity] {
        var identities = [Address: Identity]()
        for name in ["root", "ctl", "m1", "m2"] {
            let identity = try Identity(try Vectors.text("world/\(name).secret"))
            identities[identity.address] = identity
        }
        return identities
    }

    // MARK: - Field checks shared by several verbs

    static func checkIdentity(_ identity: Identity, _ json: [String: Any]) throws {
        #expect(identity.address.description == json["address"] as? String)
        #expect(Hex.encode(identity.publicKey) == json["public"] as? String)
        #expect(json["type"] as? Int == 0 && json["private_len"] as? Int == 0)
    }

    static func checkCertificate(_ certificate: CertificateOfMembership, _ json: [String: Any]) throws {
        let qualifiers = try #require(json["qualifiers"] as? [[String: Any]])
        #expect(certificate.qualifiers.count == qualifiers.count)
        for (qualifier, expected) in zip(certificate.qualifiers, qualifiers) {
            #expect(Int(qualifier.id) == expected["id"] as? Int)
            #expect(String(format: "%016llx", qualifier.value) == expected["value"] as? String)
            #expect(String(format: "%016llx", qualifier.maxDelta) == expected["maxDelta"] as? String)
        }
        #expect(certificate.signer?.description == json["signedBy"] as? String)
        #expect(Hex.encode(certificate.signature) == json["signature"] as? String)
    }

    static func checkChunk(_ chunk: NetworkConfigChunk, _ packet: CapturedPacket, controller: Identity) throws {
        #expect(chunk.network.description == (try packet.string("nwid")))
        #expect(chunk.data.count == (try packet.int("chunkLen")))
        let update = try #require(chunk.update)
        #expect(Int(update.flags) == (try packet.int("flags")))
        #expect(update.id == (try packet.hex64("updateId")))
        #expect(Int(update.totalLength) == (try packet.int("totalLength")))
        #expect(Int(update.offset) == (try packet.int("chunkIndex")))
        #expect(Int(update.signatureType) == (try packet.int("sigType")))
        #expect(update.signature == (try packet.hexBytes("signature")))
        #expect(chunk.signedBytes.count == (try packet.int("signedBytes")))
        #expect(controller.verify(chunk.signedBytes, signature: update.signature), "config chunk signature")
        // The config Dictionary starts with its version key; the certificate in it is the one members push.
        #expect(chunk.data.starts(with: Array("v=".utf8)))
    }

    // MARK: - The capture

    @Test func everyCapturedMessageDecodesMatchesTheDecoderAndReencodesExactly() throws {
        let packets = try Self.packets()
        #expect(packets.count == 257)
        let identities = try Self.worldIdentities()
        let controller = try #require(identities[Address("cf2daa94e4")!])
        var roundTripped = [String: Int]()
        var configUpdates = [String: (network: NetworkID, updateID: UInt64)]()

        for packet in packets {
            let encoded: [UInt8]
            switch packet.verb {
            case "HELLO":
                let hello = try HelloMessage(payload: packet.payload)
                #expect(Int(hello.protocolVersion) == (try packet.int("protoVersion")))
                #expect(hello.version.description == (try packet.string("version")))
                #expect(Int(hello.timestamp) == (try packet.int("timestamp")))
                try Self.checkIdentity(hello.identity, try packet.object("identity"))
                #expect(hello.identity.address.description == packet.src)
                #expect(hello.destination?.description == (try packet.string("destPhysical")))
                #expect(hello.planet == HelloMessage.WorldStamp(id: UInt64(try packet.int("planetWorldId")),
                                                                timestamp: UInt64(try packet.int("planetWorldTimestamp"))))
                #expect(hello.encryptedTail == (try packet.hexBytes("encryptedTail")))
                // The node deciphers the tail in place with cryptField; our offset must point at it.
                var raw = try Vectors.hex(packet.rawHex)
                let key = try #require(identities[Address(packet.src)!]!.agree(with: identities[Address(packet.dst)!]!))
                #expect(PacketArmor.cryptField(&raw, key: key, range: (PacketHeader.size + hello.encryptedTailOffset)..<raw.count))
                let tail = Array(raw[(PacketHeader.size + hello.encryptedTailOffset)...])
                #expect(Hex.encode(tail) == (try packet.object("moons"))["hex"] as? String)
                #expect(try HelloMessage.Moon.decodeList(tail).isEmpty)
                encoded = hello.encoded()

            case "OK":
                let ok = try OKMessage(payload: packet.payload)
                #expect(ok.inReVerb.description == packet.inReVerb)
                #expect(String(format: "%016llx", ok.inRePacketID) == (try packet.string("inRePacketId")))
                switch ok.body {
                case let .hello(reply):
                    #expect(Int(reply.timestamp) == (try packet.int("timestamp")))
                    #expect(Int(reply.protocolVersion) == (try packet.int("protoVersion")))
                    #expect(reply.version.description == (try packet.string("version")))
                    #expect(reply.observedAddress?.description == (try packet.string("yourPhysical")))
                    #expect(reply.rest == [0, UInt8(try packet.int("worldUpdateLen"))])
                    #expect(try reply.worldUpdates().isEmpty)
                case let .whois(reply):
                    let expected = try packet.list("identities")
                    #expect(reply.identities.count == expected.count)
                    for (identity, json) in zip(reply.identities, expected) {
                        try Self.checkIdentity(identity, try #require(json as? [String: Any]))
                    }
                case let .networkConfigRequest(chunk):
                    try Self.checkChunk(chunk, packet, controller: controller)
                case let .multicastGather(reply):
                    #expect(reply.network.description == (try packet.string("nwid")))
                    #expect(reply.group.mac.description == (try packet.string("mac")))
                    #expect(reply.group.adi == UInt32(try packet.string("adi"), radix: 16))
                    #expect(Int(reply.results.totalKnown) == (try packet.int("totalKnown")))
                    #expect(reply.results.members.map(\.description) == (try packet.list("members")) as? [String])
                case let .multicastFrame(reply):
                    #expect(reply.network.description == (try packet.string("nwid")))
                    var rest = ByteWriter()
                    rest.write(reply.group)
                    rest.write(reply.flags)
                    reply.results?.encode(to: &rest)
                    #expect(Hex.encode(rest.bytes) == (try packet.string("rest")))
                    #expect(reply.certificate == nil && reply.results != nil)
                case let .echo(bytes):
                    #expect(bytes == (try packet.hexBytes("rest")))
                    let ack = try #require(ok.configAcknowledgement)
                    let pushed = try #require(configUpdates[try packet.string("inRePacketId")], "OK(ECHO) answers a NETWORK_CONFIG")
                    #expect(ack.network == pushed.network && ack.updateID == pushed.updateID)
                default:
                    Issue.record("unexpected \(packet.kind)")
                }
                encoded = ok.encoded()

            case "WHOIS":
                let whois = try WhoisMessage(payload: packet.payload)
                #expect(whois.addresses.map(\.description) == (try packet.list("addresses")) as? [String])
                encoded = whois.encoded()

            case "RENDEZVOUS":
                let rendezvous = try RendezvousMessage(payload: packet.payload)
                #expect(Int(rendezvous.flags) == (try packet.int("flags")))
                #expect(rendezvous.peer.description == (try packet.string("with")))
                #expect(rendezvous.endpoint.description == (try packet.string("at")))
                encoded = rendezvous.encoded()

            case "MULTICAST_LIKE":
                let like = try MulticastLikeMessage(payload: packet.payload)
                let expected = try #require(try packet.list("likes") as? [[String: String]])
                #expect(like.likes.count == expected.count)
                for (entry, json) in zip(like.likes, expected) {
                    #expect(entry.network.description == json["nwid"])
                    #expect(entry.group.mac.description == json["mac"])
                    #expect(entry.group.adi == UInt32(json["adi"] ?? "", radix: 16))
                }
                encoded = like.encoded()

            case "NETWORK_CONFIG_REQUEST":
                let request = try NetworkConfigRequestMessage(payload: packet.payload)
                #expect(request.network.description == (try packet.string("nwid")))
                #expect(request.current == .init(revision: UInt64(try packet.int("haveRevision")),
                                                 timestamp: UInt64(try packet.int("haveTimestamp"))))
                // The metadata Dictionary: key=value lines, no escapes needed for these values.
                let lines = String(decoding: request.metadata, as: UTF8.self).split(separator: "\n")
                let metadata = Dictionary(uniqueKeysWithValues: lines.map { line in
                    let parts = line.split(separator: "=", maxSplits: 1)
                    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                })
                #expect(metadata == (try packet.object("metadata")) as? [String: String])
                encoded = request.encoded()

            case "NETWORK_CONFIG":
                let config = try NetworkConfigMessage(payload: packet.payload)
                try Self.checkChunk(config.chunk, packet, controller: controller)
                if let update = config.chunk.update {
                    configUpdates[packet.packetID] = (config.chunk.network, update.id)
                }
                encoded = config.encoded()

            case "MULTICAST_GATHER":
                let gather = try MulticastGatherMessage(payload: packet.payload)
                #expect(gather.network.description == (try packet.string("nwid")))
                #expect(Int(gather.flags) == (try packet.int("flags")))
                #expect(gather.group.mac.description == (try packet.string("mac")))
                #expect(gather.group.adi == UInt32(try packet.string("adi"), radix: 16))
                #expect(Int(gather.gatherLimit) == (try packet.int("gatherLimit")))
                if let json = packet.fields["com"] as? [String: Any] {
                    let certificate = try #require(gather.certificate)
                    try Self.checkCertificate(certificate, json)
                    #expect(controller.verify(certificate.signedBytes, signature: certificate.signature), "COM signature")
                } else {
                    #expect(gather.certificate == nil)
                }
                encoded = gather.encoded()

            case "MULTICAST_FRAME":
                let frame = try MulticastFrameMessage(payload: packet.payload)
                #expect(frame.network.description == (try packet.string("nwid")))
                #expect(Int(frame.flags) == (try packet.int("flags")))
                #expect(frame.gatherLimit.map(Int.init) == packet.fields["gatherLimit"] as? Int)
                #expect(frame.sourceMAC?.description == packet.fields["srcMac"] as? String)
                #expect(frame.group.mac.description == (try packet.string("dstMac")))
                #expect(frame.group.adi == UInt32(try packet.string("adi"), radix: 16))
                #expect("0x" + String(format: "%04x", frame.etherType) == (try packet.string("ethertype")))
                #expect(frame.payload.count == packet.payload.count - 8 - 1 - 4 - 10 - 2)
                encoded = frame.encoded()

            case "NETWORK_CREDENTIALS":
                let credentials = try NetworkCredentialsMessage(payload: packet.payload)
                let coms = try packet.list("coms")
                #expect(credentials.certificatesOfMembership.count == coms.count)
                for (certificate, json) in zip(credentials.certificatesOfMembership, coms) {
                    try Self.checkCertificate(certificate, try #require(json as? [String: Any]))
                    #expect(controller.verify(certificate.signedBytes, signature: certificate.signature), "COM signature")
                }
                #expect(credentials.capabilities.count == (try packet.int("capabilities")))
                var rest = ByteWriter()
                var withoutCOMs = credentials
                withoutCOMs.certificatesOfMembership = []
                withoutCOMs.encode(to: &rest)
                // The decoder's `rest` starts after the 0 that ends the COMs and the capability count.
                #expect(Hex.encode(rest.bytes.dropFirst(3)) == (try packet.string("rest")))
                // What 1.14 pushes: its COM, then its certificate of ownership for the assigned IPs.
                #expect(credentials.tags.isEmpty && credentials.revocations.isEmpty)
                let ownership = try #require(credentials.certificatesOfOwnership.first)
                #expect(credentials.certificatesOfOwnership.count == 1)
                #expect(ownership.issuedTo.description == packet.src)
                #expect(ownership.networkID == credentials.certificatesOfMembership.first?.networkID)
                #expect((1...2).contains(ownership.thingCount))  // IPv4, plus the RFC 4193 IPv6 on the private net
                encoded = credentials.encoded()

            case "PUSH_DIRECT_PATHS":
                let push = try PushDirectPathsMessage(payload: packet.payload)
                #expect(push.paths.compactMap { $0.endpoint?.description } == (try packet.list("paths")) as? [String])
                #expect(push.paths.allSatisfy { $0.endpoint != nil })
                encoded = push.encoded()

            case "FRAME":
                let frame = try FrameMessage(payload: packet.payload)
                #expect(frame.network.description == (try packet.string("nwid")))
                #expect("0x" + String(format: "%04x", frame.etherType) == (try packet.string("ethertype")))
                #expect(frame.payload == Array(packet.payload.dropFirst(10)))
                encoded = frame.encoded()

            default:
                Issue.record("no message type for \(packet.verb)")
                continue
            }
            #expect(encoded == packet.payload, "\(packet.kind) \(packet.packetID) does not re-encode exactly")
            if encoded == packet.payload { roundTripped[packet.kind, default: 0] += 1 }
        }

        let expected = [
            "HELLO": 17, "OK(HELLO)": 16, "WHOIS": 13, "OK(WHOIS)": 13, "RENDEZVOUS": 6, "FRAME": 43,
            "MULTICAST_LIKE": 53, "NETWORK_CREDENTIALS": 6, "NETWORK_CONFIG_REQUEST": 8, "OK(NETWORK_CONFIG_REQUEST)": 6,
            "NETWORK_CONFIG": 6, "OK(ECHO)": 6, "MULTICAST_GATHER": 38, "OK(MULTICAST_GATHER)": 4,
            "MULTICAST_FRAME": 9, "OK(MULTICAST_FRAME)": 9, "PUSH_DIRECT_PATHS": 4,
        ]
        #expect(roundTripped == expected)
        #expect(roundTripped.values.reduce(0, +) == 257)
        print("Messages round-tripped byte-exactly:", roundTripped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
}
