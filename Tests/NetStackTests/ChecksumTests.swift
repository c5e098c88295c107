import CLwIP
import Glibc
import Testing

extension NetStackTests {
    /// netcon's lwip_standard_chksum takes the place of lwIP's own for every caller (see CLwIP/checksum.c):
    /// it must give exactly what lwIP's gives, for every alignment and length.
    @Suite struct ChecksumTests {
        typealias Checksum = @convention(c) (UnsafeRawPointer?, Int32) -> UInt16

        static func lwipsOwn() throws -> Checksum {
            let library = try #require(dlopen("liblwip.so.0", RTLD_NOW | RTLD_NOLOAD) ?? dlopen("liblwip.so.0", RTLD_NOW))
            let symbol = try #require(dlsym(library, "lwip_standard_chksum"))
            return unsafeBitCast(symbol, to: Checksum.self)
        }

        @Test func agreesWithLwIPsOwnOnEveryAlignmentAndLength() throws {
            let reference = try Self.lwipsOwn()
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            var bytes = [UInt8](repeating: 0, count: 70_000)
            for index in bytes.indices {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes[index] = UInt8(truncatingIfNeeded: state >> 56)
            }
            let lengths = Array(0...300) + [1459, 1460, 1461, 2760, 2799, 9000, 65_535, 65_536, 69_990]
            bytes.withUnsafeBytes { buffer in
                for offset in 0..<8 {
                    for length in lengths where offset + length <= buffer.count {
                        let start = buffer.baseAddress! + offset
                        #expect(lwip_standard_chksum(start, Int32(length)) == reference(start, Int32(length)),
                                "offset \(offset), length \(length)")
                    }
                }
            }
        }

        @Test func extremesFoldAsLwIPDoes() throws {
            let reference = try Self.lwipsOwn()
            for fill: UInt8 in [0x00, 0xff, 0x01, 0x80] {
                for length in [0, 1, 2, 3, 8, 31, 32, 33, 65_536] {
                    let bytes = [UInt8](repeating: fill, count: length)
                    bytes.withUnsafeBytes { buffer in
                        #expect(lwip_standard_chksum(buffer.baseAddress, Int32(length)) == reference(buffer.baseAddress, Int32(length)))
                    }
                }
            }
        }

        @Test func isTheOneLwIPsCallsResolveTo() throws {
            // liblwip reaches lwip_standard_chksum through its PLT, which binds to the first definition in
            // the process's global scope: the program's.
            let global = try #require(dlsym(nil, "lwip_standard_chksum"))
            let ours: Checksum = lwip_standard_chksum
            #expect(global == unsafeBitCast(ours, to: UnsafeMutableRawPointer.self))
            #expect(global != unsafeBitCast(try Self.lwipsOwn(), to: UnsafeMutableRawPointer.self))
        }
    }
}
