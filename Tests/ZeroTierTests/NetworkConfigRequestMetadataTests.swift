import Foundation
import Testing
@testable import ZeroTier

@Suite struct NetworkConfigRequestMetadataTests {
    static func capturedRequests() throws -> [(record: SessionRecords.Record, message: NetworkConfigRequestMessage)] {
        try SessionRecords.load().packets.filter { $0.verb == "NETWORK_CONFIG_REQUEST" }.map { record in
            var reader = ByteReader(try Vectors.hex(try #require(record.payloadHex)))
            return (record, try NetworkConfigRequestMessage(from: &reader))
        }
    }

    @Test func capturedRequestsCarryZeroTier1141Metadata() throws {
        let requests = try Self.capturedRequests()
        #expect(requests.count == 8) // two members × two networks, each seen on both legs of the root relay
        for (record, message) in requests {
            let metadata = try NetworkConfigRequestMetadata(decoding: message.metadata)
            #expect(metadata.formatVersion == 7, "\(record.packetId)")
            #expect(metadata.vendor == 1)
            #expect(metadata.protocolVersion == 12)
            #expect(metadata.softwareVersion == SoftwareVersion(major: 1, minor: 14, revision: 1))
            #expect(metadata.maxNetworkRules == 1024 && metadata.maxCapabilities == 128)
            #expect(metadata.maxCapabilityRules == 64 && metadata.maxTags == 128)
            #expect(metadata.flags == 0 && metadata.rulesEngineRevision == 1)
            #expect(metadata.osArch == "linux/x86_64")
            #expect(metadata.authToken == nil && !metadata.wantsLegacyConfig)
            // Decoded and re-encoded, and built from scratch: the member's exact bytes.
            #expect(try metadata.encoded() == message.metadata)
            #expect(try NetworkConfigRequestMetadata().encoded() == message.metadata)
            #expect(message.current == .empty)
        }
        let first = try #require(requests.first).message.metadata
        #expect(first.count == 263)
        #expect(String(decoding: first.prefix(19), as: UTF8.self) == "v=0000000000000007\n")
    }

    @Test func missingKeysReadAsZero() throws {
        let metadata = try NetworkConfigRequestMetadata(decoding: Array("v=6\na=token".utf8))
        #expect(metadata.formatVersion == 6 && metadata.rulesEngineRevision == 0 && metadata.osArch == "")
        #expect(metadata.authToken == "token")
        #expect(metadata.softwareVersion == SoftwareVersion(major: 0, minor: 0, revision: 0))
        #expect(try NetworkConfigRequestMetadata(decoding: Array("v=5".utf8)).wantsLegacyConfig)
        #expect(throws: DecodingError.self) {
            try NetworkConfigRequestMetadata(decoding: [UInt8](repeating: UInt8(ascii: "x"), count: 1024))
        }
        var big = NetworkConfigRequestMetadata()
        big.osArch = String(repeating: "x", count: 1000)
        #expect(throws: NetworkDictionary.CapacityExceeded.self) { try big.encoded() }
    }
}
