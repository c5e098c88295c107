import Foundation
@testable import ZeroTier

/// `session/session-decoded.json`: one record per authenticated packet of the capture, in the order the
/// decoder completed them (a fragmented packet appears when its last piece arrived).
struct SessionRecords: Decodable {
    struct Record: Decodable {
        var t: Double
        var from: String
        var to: String
        var packetId: String
        var dst: String
        var src: String
        var flags: String
        var hops: Int
        var cipher: String
        var fragmented: Bool
        var compressed: Bool
        var verb: String
        var size: Int
        var rawHex: String
        var payloadHex: String?
        var reassembledFromFragments: Int?

        /// `from`/`to` are written `ip:port`; ours is `ip/port`.
        static func endpoint(_ text: String) -> InetEndpoint? {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            return InetEndpoint("\(text[..<colon])/\(text[text.index(after: colon)...])")
        }
    }

    var packets: [Record]

    static func load() throws -> SessionRecords {
        try Vectors.json(SessionRecords.self, "session/session-decoded.json")
    }
}

/// A small deterministic generator so fuzz tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension Array where Element == UInt8 {
    static func random(count: Int, using generator: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
