import Foundation
import Testing
@testable import ZeroTier

@Suite struct NetworkConfigChunkingTests {
    struct CapturedChunk {
        var record: SessionRecords.Record
        var member: Address
        var chunk: NetworkConfigChunk
    }

    /// The config chunks of the capture: OK(NETWORK_CONFIG_REQUEST) and NETWORK_CONFIG from the controller,
    /// in capture order (relayed ones appear twice, once per leg).
    static func capturedChunks() throws -> [CapturedChunk] {
        try SessionRecords.load().packets.compactMap { record -> CapturedChunk? in
            guard record.src == "cf2daa94e4", let payload = record.payloadHex else { return nil }
            var reader = ByteReader(try Vectors.hex(payload))
            switch record.verb {
            case "NETWORK_CONFIG":
                return CapturedChunk(record: record, member: Address(record.dst)!,
                                     chunk: try NetworkConfigMessage(from: &reader).chunk)
            case "OK":
                guard case let .networkConfigRequest(chunk) = try OKMessage(from: &reader).body else { return nil }
                return CapturedChunk(record: record, member: Address(record.dst)!, chunk: chunk)
            default:
                return nil
            }
        }
    }

    @Test func capturedChunksAssembleToWhatTheMembersStored() throws {
        let controller = try NetworkVectors.identity("ctl")
        let captured = try Self.capturedChunks()
        #expect(captured.count == 12) // m1: 2 OK + 2 NETWORK_CONFIG direct; m2: the same, each relayed (seen twice)
        var assemblers: [String: NetworkConfigAssembler] = [:]
        var latest: [String: [UInt8]] = [:]
        var completions = 0, duplicates = 0
        for item in captured {
            let key = "\(item.member)/\(item.chunk.network)"
            var assembler = assemblers[key] ?? NetworkConfigAssembler(network: item.chunk.network, controller: controller)
            switch assembler.add(item.chunk) {
            case let .complete(updateID, dictionary):
                completions += 1
                #expect(updateID == item.chunk.update?.id)
                #expect(dictionary == item.chunk.data) // one chunk holds the whole config here
                // What a member stores is its own re-encoding of the config: identical to what it received.
                let config = try NetworkConfig(decoding: dictionary)
                #expect(try config.encoded() == dictionary)
                #expect(config.issuedTo == item.member && config.networkID == item.chunk.network)
                latest[key] = dictionary
            case .duplicate:
                duplicates += 1
            case let other:
                Issue.record("\(item.record.packetId): \(other)")
            }
            assemblers[key] = assembler
        }
        #expect(completions == 8 && duplicates == 4)
        // The last config each member received is byte for byte its networks.d/<nwid>.conf.
        for name in NetworkVectors.confNames {
            let parts = name.split(separator: "/")
            let member = parts[0] == "m1" ? "0f845b7051" : "eddffe2b19"
            let key = "\(member)/\(parts[1].prefix(16))"
            #expect(latest[key] == (try NetworkVectors.confBytes(name)), "\(name)")
        }
    }

    @Test func chunkerReproducesTheControllersChunks() throws {
        let controller = try NetworkVectors.secretIdentity("ctl")
        for item in try Self.capturedChunks() {
            let update = try #require(item.chunk.update)
            let chunks = try #require(NetworkConfigChunker.chunks(of: item.chunk.data, network: item.chunk.network,
                                                                  updateID: update.id, signedBy: controller))
            #expect(chunks == [item.chunk], "\(item.record.packetId)")
        }
        #expect(NetworkConfigChunker.maxChunkLength == 9740)
        #expect(NetworkConfigChunker.chunks(of: [1], network: NetworkVectors.privateNetwork, updateID: 1,
                                            signedBy: try NetworkVectors.identity("ctl")) == nil)
    }

    @Test func manyChunksAssembleInAnyOrder() throws {
        let secret = try NetworkVectors.secretIdentity("ctl")
        let dictionary = try NetworkVectors.confBytes("m2/cf2daa94e4000001.conf")
        var chunks = try #require(NetworkConfigChunker.chunks(of: dictionary, network: NetworkVectors.privateNetwork,
                                                              updateID: 0, signedBy: secret, maxChunkLength: 100))
        #expect(chunks.count == 12)
        #expect(chunks.allSatisfy { $0.update?.id == 1 && $0.update?.totalLength == UInt32(dictionary.count) })
        #expect(chunks.map { Int($0.update!.offset) } == Array(stride(from: 0, to: dictionary.count, by: 100)))
        var generator = SplitMix64(seed: 42)
        chunks.shuffle(using: &generator)
        var assembler = NetworkConfigAssembler(network: NetworkVectors.privateNetwork, controller: secret)
        for (index, chunk) in chunks.enumerated() {
            let outcome = assembler.add(chunk)
            if index < chunks.count - 1 {
                #expect(outcome == .incomplete(updateID: 1))
                #expect(assembler.add(chunk) == .duplicate)
            } else {
                #expect(outcome == .complete(updateID: 1, dictionary: dictionary))
            }
        }
        #expect(assembler.add(chunks[0]) == .duplicate)
    }

    @Test func refusesWhatZeroTierRefuses() throws {
        let secret = try NetworkVectors.secretIdentity("ctl")
        let dictionary = try NetworkVectors.confBytes("m1/cf2daa94e4000002.conf")
        let network = NetworkVectors.publicNetwork
        let chunks = try #require(NetworkConfigChunker.chunks(of: dictionary, network: network, updateID: 7,
                                                              signedBy: secret, maxChunkLength: 600))
        var assembler = NetworkConfigAssembler(network: network, controller: try NetworkVectors.identity("ctl"))

        var tampered = chunks[0]
        tampered.data[10] ^= 1
        #expect(assembler.add(tampered) == .rejected(.badSignature))
        var moved = chunks[0]
        moved.update?.offset = 1
        #expect(assembler.add(moved) == .rejected(.badSignature))
        var beyond = chunks[1]
        beyond.update?.totalLength = 700
        #expect(assembler.add(beyond) == .rejected(.badLength))
        var huge = chunks[0]
        huge.update?.totalLength = UInt32(NetworkDictionary.networkConfigCapacity)
        #expect(assembler.add(huge) == .rejected(.badLength))
        var otherType = chunks[0]
        otherType.update?.signatureType = 2
        #expect(assembler.add(otherType) == .rejected(.unsupportedSignature))
        #expect(assembler.add(NetworkConfigChunk(network: network, data: dictionary, update: nil)) == .rejected(.unsigned))
        var elsewhere = chunks[0]
        elsewhere.network = NetworkVectors.privateNetwork
        #expect(assembler.add(elsewhere) == .rejected(.wrongNetwork))

        // Signed by someone else: m1's key cannot make the controller's chunks.
        let forged = try #require(NetworkConfigChunker.chunks(of: dictionary, network: network, updateID: 7,
                                                              signedBy: try NetworkVectors.secretIdentity("m1")))
        #expect(assembler.add(forged[0]) == .rejected(.badSignature))

        // Same update ID, different total length: a second, inconsistent config.
        let other = try #require(NetworkConfigChunker.chunks(of: Array(dictionary.prefix(900)), network: network,
                                                             updateID: 7, signedBy: secret, maxChunkLength: 600))
        #expect(assembler.add(chunks[0]) == .incomplete(updateID: 7))
        #expect(assembler.add(other[1]) == .rejected(.inconsistentLength))
        #expect(assembler.add(chunks[1]) == .complete(updateID: 7, dictionary: dictionary))
    }

    @Test func keepsAtMostThreeUpdatesInProgress() throws {
        let secret = try NetworkVectors.secretIdentity("ctl")
        let dictionary = try NetworkVectors.confBytes("m1/cf2daa94e4000002.conf")
        let network = NetworkVectors.publicNetwork
        let updates = try (1...4).map { id in
            try #require(NetworkConfigChunker.chunks(of: dictionary, network: network, updateID: UInt64(id),
                                                     signedBy: secret, maxChunkLength: 600))
        }
        var assembler = NetworkConfigAssembler(network: network, controller: secret)
        for chunks in updates { #expect(assembler.add(chunks[0]) == .incomplete(updateID: chunks[0].update!.id)) }
        // Update 1 was the least recently used and made room for update 4: its first half is gone.
        #expect(assembler.add(updates[0][1]) == .incomplete(updateID: 1))
        #expect(assembler.add(updates[2][1]) == .complete(updateID: 3, dictionary: dictionary))
        #expect(assembler.add(updates[3][1]) == .complete(updateID: 4, dictionary: dictionary))
        #expect(assembler.add(updates[0][0]) == .complete(updateID: 1, dictionary: dictionary))
    }
}
