import Testing
@testable import ZeroTier

/// Truncated, random and mutated payloads: every message decoder must throw or succeed, never trap, and
/// whatever it accepts must survive encode → decode unchanged.
@Suite struct MessagesRobustnessTests {
    static let types: [Verb: any WireMessage.Type] = [
        .hello: HelloMessage.self, .error: ErrorMessage.self, .ok: OKMessage.self, .whois: WhoisMessage.self,
        .rendezvous: RendezvousMessage.self, .frame: FrameMessage.self, .extFrame: ExtFrameMessage.self,
        .echo: EchoMessage.self, .multicastLike: MulticastLikeMessage.self,
        .networkCredentials: NetworkCredentialsMessage.self, .networkConfigRequest: NetworkConfigRequestMessage.self,
        .networkConfig: NetworkConfigMessage.self, .multicastGather: MulticastGatherMessage.self,
        .multicastFrame: MulticastFrameMessage.self, .pushDirectPaths: PushDirectPathsMessage.self,
    ]

    /// Decodes `payload` as `type`; if that works, re-encoding and decoding again must give the same message.
    /// Returns whether it decoded.
    @discardableResult
    static func check<M: WireMessage>(_ type: M.Type, _ payload: [UInt8]) -> Bool {
        guard let message = try? M(payload: payload) else { return false }
        let again = try? M(payload: message.encoded())
        #expect(again == message, "\(M.verb) does not survive re-encoding: \(Hex.encode(payload.prefix(64)))")
        return true
    }

    /// Captured payloads by verb, plus the hand-built ones of the layout tests.
    static func seeds() throws -> [Verb: [[UInt8]]] {
        var seeds = try MessagesLayoutTests.seeds()
        for packet in try MessagesCaptureTests.packets() {
            guard let verb = Verb.allCases.first(where: { $0.description == packet.verb }) else { continue }
            seeds[verb, default: []].append(packet.payload)
        }
        return seeds
    }

    @Test func everyTruncationOfEveryCapturedPayload() throws {
        var decodedWhole = 0
        for packet in try MessagesCaptureTests.packets() {
            for length in 0...packet.payload.count {
                let prefix = Array(packet.payload.prefix(length))
                for type in Self.types.values { Self.check(type, prefix) }
            }
            let verb = try #require(Verb.allCases.first { $0.description == packet.verb })
            let type: any WireMessage.Type = try #require(Self.types[verb])
            if Self.check(type, packet.payload) { decodedWhole += 1 }
        }
        #expect(decodedWhole == 257)
    }

    @Test func tenThousandRandomAndMutatedPayloadsPerMessageType() throws {
        let seeds = try Self.seeds()
        var generator = SplitMix64(seed: 0x6d65_7373_6167_6573)
        for (verb, type) in Self.types.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let verbSeeds = try #require(seeds[verb], "no seed for \(verb)")
            var decoded = 0
            for round in 0..<10_000 {
                let payload: [UInt8]
                if round % 4 == 0 {
                    payload = .random(count: Int.random(in: 0...400, using: &generator), using: &generator)
                } else {
                    payload = Self.mutate(verbSeeds.randomElement(using: &generator)!, using: &generator)
                }
                if Self.check(type, payload) { decoded += 1 }
            }
            // The mutations keep most of the structure, so a good share must still decode (else the fuzzer
            // would only be testing the first few bytes).
            #expect(decoded > 500, "\(verb): only \(decoded) of 10000 decoded")
        }
    }

    /// One to four random edits: flip bytes, overwrite a length-ish byte with an extreme, cut, insert, or
    /// append junk.
    static func mutate(_ seed: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= UInt8.random(in: 1...255, using: &generator)
            case 1 where !bytes.isEmpty:
                bytes[position] = [0x00, 0x01, 0x02, 0x04, 0x06, 0x7f, 0x80, 0xff].randomElement(using: &generator)!
            case 2:
                bytes = Array(bytes.prefix(position))
            case 3:
                bytes.insert(contentsOf: [UInt8].random(count: Int.random(in: 1...8, using: &generator), using: &generator), at: position)
            case 4 where bytes.count > position + 1:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...8, using: &generator)))
            default:
                bytes += [UInt8].random(count: Int.random(in: 1...32, using: &generator), using: &generator)
            }
        }
        return bytes
    }
}
