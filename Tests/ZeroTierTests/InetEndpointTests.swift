import Testing
@testable import ZeroTier

@Suite struct InetEndpointTests {
    @Test func ipv4SerializesAsTypeFourAddressPort() throws {
        let endpoint = try #require(InetEndpoint("10.77.1.1/9993"))
        var writer = ByteWriter()
        writer.write(endpoint)
        #expect(Hex.encode(writer.bytes) == "040a4d01012709")
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readInetEndpoint() == endpoint)
        #expect(reader.isAtEnd)
        #expect(endpoint.description == "10.77.1.1/9993")
    }

    @Test func ipv6SerializesAsTypeSixAddressPort() throws {
        let endpoint = try #require(InetEndpoint("2605:9880:200:1200:30:571:e34:51/9993"))
        var writer = ByteWriter()
        writer.write(endpoint)
        #expect(Hex.encode(writer.bytes) == "062605988002001200003005710e3400512709")
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readInetEndpoint() == endpoint)
        #expect(InetEndpoint.encodedSize(endpoint) == 19)
    }

    @Test func nilIsASingleZeroByte() throws {
        var writer = ByteWriter()
        writer.write(InetEndpoint?.none)
        #expect(writer.bytes == [0])
        var reader = ByteReader([0, 0x04])
        #expect(try reader.readInetEndpoint() == nil)
        #expect(reader.offset == 1)
    }

    @Test func forwardCompatibleTypesAreSkippedAsNil() throws {
        var reader = ByteReader([0x01, 1, 2, 3, 4, 5, 6, 0x03, 0x00, 0x02, 9, 9, 0x02, 1, 2, 3, 4, 5, 6])
        #expect(try reader.readInetEndpoint() == nil)
        #expect(try reader.readInetEndpoint() == nil)
        #expect(try reader.readInetEndpoint() == nil)
        #expect(reader.isAtEnd)
        var bad = ByteReader([0x05, 0, 0])
        #expect(throws: DecodingError.self) { try bad.readInetEndpoint() }
    }

    @Test func everyTruncationThrows() {
        for full in [[0x04, 10, 77, 1, 1, 0x27, 0x09] as [UInt8], [0x06] + [UInt8](repeating: 1, count: 18), [0x03, 0x00, 0x04, 1, 2, 3, 4]] {
            for length in 0..<full.count {
                var reader = ByteReader(full.prefix(length))
                #expect(throws: DecodingError.self) { try reader.readInetEndpoint() }
            }
        }
    }

    @Test(arguments: [
        ("::", "::"), ("::1", "::1"), ("1::", "1::"), ("fd00:0:0:0:0:0:0:1", "fd00::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"),
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1"), ("::10.0.0.1", "::10.0.0.1"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"), ("FDCF:2DAA:94E4:0:199:930F:845B:7051", "fdcf:2daa:94e4:0:199:930f:845b:7051"),
        ("0:0:1:0:0:0:1:0", "0:0:1::1:0"), ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),
        ("::0.0.0.1", "::1"), ("::ffff:0:1.2.3.4", "::ffff:0:102:304"), ("0:0:0:0:0:1:0:0", "::1:0:0"),
    ])
    func ipv6TextMatchesInetNtop(input: String, canonical: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
        #expect(IPAddress(bytes: address.bytes) == address)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4444", "1..2.3", "a.b.c.d", ":::", "1:2:3:4:5:6:7:8:9",
        "1::2::3", "12345::", "g::", "1:2:3:4:5:6:7", ":1::", "1.2.3.4::", "::1.2.3", "[::1]", "1:2:3:4:5:6:7:1.2.3.4",
    ])
    func malformedAddressesAreRejected(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func endpointTextNeedsIpSlashPort() {
        #expect(InetEndpoint("10.77.1.1/9993")?.port == 9993)
        #expect(InetEndpoint("fd00::1/0")?.description == "fd00::1/0")
        #expect(InetEndpoint("10.77.1.1/65535")?.port == 65535)
        for bad in ["10.77.1.1", "10.77.1.1/", "10.77.1.1/65536", "10.77.1.1/+1", "10.77.1.1/99999999", "/9993", "10.77.1.1/1/2", "10.77.1.1:9993"] {
            #expect(InetEndpoint(bad) == nil, "\(bad)")
        }
    }
}
