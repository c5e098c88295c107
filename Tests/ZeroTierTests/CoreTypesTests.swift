import Testing
@testable import ZeroTier

@Suite struct CoreTypesTests {
    @Test func macDerivesFromAddressAndNetworkLikeZeroTier() {
        // From the captured world: m1 and m2 on the private network cf2daa94e4000001.
        let network = NetworkID("cf2daa94e4000001")!
        #expect(MAC(address: Address("0f845b7051")!, network: network).description == "02:0f:84:bf:e4:fb")
        #expect(MAC(address: Address("eddffe2b19")!, network: network).description == "02:ed:df:1a:bf:b3")
        #expect(MAC("02:ed:df:1a:bf:b3")!.address(on: network) == Address("eddffe2b19")!)
    }

    @Test func networkIDParsesOnlySixteenHexDigits() {
        #expect(NetworkID("8056c2e21c000001")?.rawValue == 0x8056_c2e2_1c00_0001)
        #expect(NetworkID("8056C2E21C000001")?.description == "8056c2e21c000001")
        #expect(NetworkID("8056c2e21c00001") == nil)
        #expect(NetworkID("8056c2e21c0000011") == nil)
        #expect(NetworkID("8056c2e21c00000g") == nil)
        #expect(NetworkID("8056c2e21c000001")!.controller == Address("8056c2e21c")!)
    }

    @Test func addressRejectsReservedValues() {
        #expect(Address("0000000000")!.isReserved)
        #expect(Address("ff12345678")!.isReserved)
        #expect(!Address("099fc4e1a0")!.isReserved)
        #expect(Address(rawValue: 1 << 40) == nil)
        #expect(Address("099fc4e1a")  == nil)
    }

    @Test func byteReaderNeverReadsPastTheEnd() throws {
        var reader = ByteReader([1, 2, 3])
        #expect(throws: DecodingError.truncated(needed: 4, remaining: 3)) { try reader.readUInt32() }
        #expect(try reader.readUInt16() == 0x0102)
        #expect(throws: DecodingError.self) { try reader.readBytes(2) }
        #expect(try reader.readUInt8() == 3)
        #expect(reader.isAtEnd)
    }

    @Test func byteWriterRoundTripsThroughReader() throws {
        var writer = ByteWriter()
        writer.write(UInt8(7)); writer.write(UInt16(0xbeef)); writer.write(UInt32(0xdead_beef))
        writer.write(UInt64(0x0102_0304_0506_0708)); writer.write(Address("099fc4e1a0")!)
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readUInt8() == 7)
        #expect(try reader.readUInt16() == 0xbeef)
        #expect(try reader.readUInt32() == 0xdead_beef)
        #expect(try reader.readUInt64() == 0x0102_0304_0506_0708)
        #expect(try reader.readAddress() == Address("099fc4e1a0")!)
    }
}
