import Foundation
import ZeroTier

/// A minimal libpcap reader for tests: Ethernet (optionally 802.1Q-tagged) / IPv4 / UDP only, which is what
/// the captured session holds. Everything else in the file is skipped.
struct Pcap {
    struct UDPDatagram {
        var index: Int
        /// Seconds since the epoch, microsecond (or nanosecond) resolution.
        var time: Double
        var source: InetEndpoint
        var destination: InetEndpoint
        var payload: [UInt8]
    }

    enum PcapError: Error { case badMagic(UInt32), truncated(Int), unsupportedLinkType(UInt32) }

    let datagrams: [UDPDatagram]

    init(contentsOf url: URL) throws {
        try self.init(bytes: [UInt8](Data(contentsOf: url)))
    }

    init(bytes: [UInt8]) throws {
        guard bytes.count >= 24 else { throw PcapError.truncated(0) }
        let magic = Self.uint32(bytes, 0, bigEndian: false)
        let bigEndian: Bool, nanoseconds: Bool
        switch magic {
        case 0xa1b2_c3d4: (bigEndian, nanoseconds) = (false, false)
        case 0xd4c3_b2a1: (bigEndian, nanoseconds) = (true, false)
        case 0xa1b2_3c4d: (bigEndian, nanoseconds) = (false, true)
        case 0x4d3c_b2a1: (bigEndian, nanoseconds) = (true, true)
        default: throw PcapError.badMagic(magic)
        }
        let linkType = Self.uint32(bytes, 20, bigEndian: bigEndian)
        guard linkType == 1 else { throw PcapError.unsupportedLinkType(linkType) }

        var datagrams = [UDPDatagram]()
        var offset = 24
        var index = 0
        while offset < bytes.count {
            guard offset + 16 <= bytes.count else { throw PcapError.truncated(offset) }
            let seconds = Self.uint32(bytes, offset, bigEndian: bigEndian)
            let fraction = Self.uint32(bytes, offset + 4, bigEndian: bigEndian)
            let captured = Int(Self.uint32(bytes, offset + 8, bigEndian: bigEndian))
            offset += 16
            guard offset + captured <= bytes.count else { throw PcapError.truncated(offset) }
            let frame = Array(bytes[offset..<offset + captured])
            offset += captured
            let time = Double(seconds) + Double(fraction) / (nanoseconds ? 1e9 : 1e6)
            if var datagram = Self.udp(inEthernetFrame: frame, time: time) {
                datagram.index = index
                datagrams.append(datagram)
                index += 1
            }
        }
        self.datagrams = datagrams
    }

    private static func udp(inEthernetFrame frame: [UInt8], time: Double) -> UDPDatagram? {
        var offset = 12
        guard frame.count >= 14 else { return nil }
        var etherType = uint16(frame, offset)
        offset += 2
        if etherType == 0x8100, frame.count >= 18 {
            etherType = uint16(frame, offset + 2)
            offset += 4
        }
        guard etherType == 0x0800, frame.count >= offset + 20, frame[offset] >> 4 == 4 else { return nil }
        let ip = offset
        let headerLength = Int(frame[ip] & 0x0f) * 4
        let totalLength = Int(uint16(frame, ip + 2))
        let fragmentField = uint16(frame, ip + 6)
        guard frame[ip + 9] == 17, fragmentField & 0x3fff == 0,
              headerLength >= 20, frame.count >= ip + totalLength, totalLength >= headerLength + 8 else { return nil }
        let udp = ip + headerLength
        let udpLength = Int(uint16(frame, udp + 4))
        guard udpLength >= 8, udp + udpLength <= ip + totalLength else { return nil }
        let sourceIP = IPAddress(bytes: frame[(ip + 12)..<(ip + 16)])!
        let destinationIP = IPAddress(bytes: frame[(ip + 16)..<(ip + 20)])!
        return UDPDatagram(
            index: 0, time: time,
            source: InetEndpoint(ip: sourceIP, port: uint16(frame, udp)),
            destination: InetEndpoint(ip: destinationIP, port: uint16(frame, udp + 2)),
            payload: Array(frame[(udp + 8)..<(udp + udpLength)]))
    }

    private static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int, bigEndian: Bool) -> UInt32 {
        let value = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << UInt32($1 * 8) }
        return bigEndian ? value.byteSwapped : value
    }
}
