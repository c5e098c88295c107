import Foundation
import Testing
@testable import ZeroTier

@Suite struct NetworkDictionaryTests {
    @Test(arguments: NetworkVectors.confNames)
    func realConfigsRoundTripByteForByte(name: String) throws {
        let bytes = try NetworkVectors.confBytes(name)
        let dictionary = try NetworkDictionary(decoding: bytes)
        #expect(dictionary.encoded == bytes)
        #expect(dictionary.encodedCount == bytes.count)
        #expect(dictionary.entries.map(\.key) == ["v", "nwid", "ts", "ctmd", "r", "id", "tt", "tl", "f", "ml", "t", "n",
                                                    "mtu", "C", "COO", "RT", "I", "R", "DNS", "ssov", "ssoe"])
    }

    @Test(arguments: NetworkVectors.confNames)
    func realConfigsMatchTheCheckersDecoding(name: String) throws {
        let expected = try #require(try NetworkVectors.decodedConfigs()[name])
        let dictionary = try NetworkDictionary(decoding: try NetworkVectors.confBytes(name))
        for (key, value) in expected {
            if let text = value as? String {
                #expect(dictionary.string(key) == text, "\(name) \(key)")
            } else if let blob = value as? [String: Any], let hex = blob["hex"] as? String {
                #expect(dictionary.bytes(key) == (try Vectors.hex(hex)), "\(name) \(key)")
            } else {
                Issue.record("unexpected JSON value for \(key)")
            }
        }
        #expect(dictionary.uint64("v") == 7)
        #expect(dictionary.uint64("mtu") == 2800)
        #expect(dictionary.uint64("ml") == 32)
        #expect(dictionary.uint64("ctmd") == 1_800_000)
        #expect(dictionary.bool("ssoe") == false)
        #expect(dictionary.address("tt") == Address(rawValue: 0))
    }

    @Test func escapesTheFiveSpecialBytes() throws {
        var dictionary = NetworkDictionary()
        try dictionary.append("b", bytes: [0x00, 0x0d, 0x0a, 0x3d, 0x5c, 0x41, 0xff])
        try dictionary.append("s", string: "a=b")
        #expect(dictionary.encoded == Array("b=\\0\\r\\n\\e\\\\A".utf8) + [0xff] + Array("\ns=a\\eb".utf8))
        #expect(dictionary.encodedCount == dictionary.encoded.count)
        let decoded = try NetworkDictionary(decoding: dictionary.encoded)
        #expect(decoded.bytes("b") == [0x00, 0x0d, 0x0a, 0x3d, 0x5c, 0x41, 0xff])
        #expect(decoded.string("s") == "a=b")
        #expect(decoded == dictionary)
    }

    @Test func writesIntegersAsZeroTierDoes() throws {
        var dictionary = NetworkDictionary()
        try dictionary.append("u", uint64: 7)
        try dictionary.append("n", int64: -10)
        try dictionary.append("m", int64: .min)
        try dictionary.append("t", bool: true)
        try dictionary.append("f", bool: false)
        try dictionary.append("a", address: Address("0f845b7051")!)
        #expect(String(decoding: dictionary.encoded, as: UTF8.self)
            == "u=0000000000000007\nn=-000000000000000a\nm=-8000000000000000\nt=1\nf=0\na=0f845b7051")
        #expect(dictionary.int64("n") == -10)
        #expect(dictionary.int64("m") == .min)
        #expect(dictionary.uint64("n") == UInt64(bitPattern: -10))
    }

    @Test func readsIntegersLikeStrtoull() throws {
        let text = "a=7\nb=0x1F\nc= +ff\nd=zz\ne=\nf=12g4\ng=10000000000000000\nh=-1\ni=0x\nj=-8000000000000001"
        let dictionary = try NetworkDictionary(decoding: Array(text.utf8))
        #expect(dictionary.uint64("a") == 7)
        #expect(dictionary.uint64("b") == 0x1f)
        #expect(dictionary.uint64("c") == 0xff)
        #expect(dictionary.uint64("d") == 0)
        #expect(dictionary.uint64("e") == nil)
        #expect(dictionary.uint64("f") == 0x12)
        #expect(dictionary.uint64("g") == .max)
        #expect(dictionary.uint64("h") == .max)
        #expect(dictionary.int64("h") == -1)
        #expect(dictionary.uint64("i") == 0)
        #expect(dictionary.int64("j") == .min)
        #expect(dictionary.int64("g") == .max)
        #expect(dictionary.uint64("missing") == nil)
    }

    @Test func readsBooleansLikeGetB() throws {
        let dictionary = try NetworkDictionary(decoding: Array("a=1\nb=true\nc=T\nd=0\ne=\nf=yes".utf8))
        #expect(dictionary.bool("a") == true && dictionary.bool("b") == true && dictionary.bool("c") == true)
        #expect(dictionary.bool("d") == false && dictionary.bool("e") == false && dictionary.bool("f") == false)
        #expect(dictionary.bool("g") == nil)
    }

    @Test func parsesLooseTextAsZeroTierDoes() throws {
        // CR and LF both end lines, empty lines and lines without '=' are skipped, the first duplicate wins,
        // an unknown escape yields the byte itself, a trailing backslash is dropped, NUL ends the text.
        let text = Array("\r\nx=1\r\nnoequals\ny=a\\qb\\\nx=2\nz=ok".utf8) + [0] + Array("\nw=hidden".utf8)
        let dictionary = try NetworkDictionary(decoding: text)
        #expect(dictionary.entries.map(\.key) == ["x", "y", "x", "z"])
        #expect(dictionary.string("x") == "1")
        #expect(dictionary.string("y") == "aqb")
        #expect(dictionary.string("z") == "ok")
        #expect(!dictionary.contains("w"))
        // A text value stops at an embedded NUL.
        let nul = try NetworkDictionary(decoding: Array("n=ab\\0cd".utf8))
        #expect(nul.string("n") == "ab" && nul.bytes("n") == [0x61, 0x62, 0, 0x63, 0x64])
    }

    @Test func capacityCountsEscapesAndSeparators() throws {
        var dictionary = NetworkDictionary(capacity: 10)
        #expect(throws: NetworkDictionary.CapacityExceeded.self) { try dictionary.append("a", bytes: Array("12345678".utf8)) }
        try dictionary.append("a", bytes: Array("1234567".utf8)) // "a=1234567" = 9 bytes + NUL
        #expect(dictionary.encodedCount == 9)
        #expect(throws: NetworkDictionary.CapacityExceeded.self) { try dictionary.append("b", bytes: []) }
        var escapes = NetworkDictionary(capacity: 8)
        #expect(throws: NetworkDictionary.CapacityExceeded.self) { try escapes.append("a", bytes: [0, 0, 0]) }
        try escapes.append("a", bytes: [0, 0])
        #expect(escapes.encoded == Array("a=\\0\\0".utf8))
        #expect(throws: DecodingError.self) { try NetworkDictionary(decoding: Array("a=12345678".utf8), capacity: 10) }
        #expect(try NetworkDictionary(decoding: Array("a=1234567".utf8), capacity: 10).string("a") == "1234567")
        #expect(NetworkDictionary.networkConfigCapacity == 484_520)
    }

    @Test func randomAndMutatedInputNeverTraps() throws {
        var generator = SplitMix64(seed: 0xd1c7)
        let real = try NetworkVectors.confBytes("m1/cf2daa94e4000001.conf")
        for round in 0..<5_000 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = .random(count: Int.random(in: 0...300, using: &generator), using: &generator)
            } else {
                input = real
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    input[Int.random(in: 0..<input.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            guard let dictionary = try? NetworkDictionary(decoding: input) else { continue }
            _ = dictionary.uint64("v"); _ = dictionary.int64("ts"); _ = dictionary.bool("ssoe"); _ = dictionary.string("n")
            let again = try NetworkDictionary(decoding: dictionary.encoded)
            #expect(again.entries == dictionary.entries)
            _ = try? NetworkConfig(dictionary: dictionary)
        }
    }
}
