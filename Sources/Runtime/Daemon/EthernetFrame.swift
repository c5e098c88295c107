import ZeroTier

/// An Ethernet II frame as lwIP produces and consumes it: destination, source, ethertype, payload.
struct EthernetFrame: Sendable {
    static let headerLength = 14
    static let arp: UInt16 = 0x0806

    var destination: MAC
    var source: MAC
    var etherType: UInt16
    /// A slice of the frame's bytes: no copy.
    var payload: ArraySlice<UInt8>

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= Self.headerLength else { return nil }
        destination = Self.mac(bytes, at: 0)
        source = Self.mac(bytes, at: 6)
        etherType = UInt16(bytes[12]) << 8 | UInt16(bytes[13])
        payload = bytes[Self.headerLength...]
    }

    /// Writes a frame's 14-byte header into `header` (which has that size).
    static func storeHeader(destination: MAC, source: MAC, etherType: UInt16, in header: inout [UInt8]) {
        header.withUnsafeMutableBufferPointer { buffer in
            store(destination, in: buffer, at: 0)
            store(source, in: buffer, at: 6)
            buffer[12] = UInt8(etherType >> 8)
            buffer[13] = UInt8(truncatingIfNeeded: etherType)
        }
    }

    // Per-frame MAC conversions without going through MAC's generic Collection initializer, which is not
    // specialised across the module boundary and showed up in profiles of the two-node transfer.
    private static func mac(_ bytes: [UInt8], at offset: Int) -> MAC {
        var value: UInt64 = 0
        for index in offset..<offset + 6 { value = value << 8 | UInt64(bytes[index]) }
        return MAC(rawValue: value)!
    }

    private static func store(_ mac: MAC, in buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        for index in 0..<6 { buffer[offset + index] = UInt8(truncatingIfNeeded: mac.rawValue >> (40 - 8 * UInt64(index))) }
    }

    /// ZeroTier sends broadcast ARP requests to the group (broadcast, target IPv4) so only the owner of the
    /// address receives them; every other multicast frame uses ADI 0.
    var multicastADI: UInt32 {
        let arp = payload.startIndex
        guard destination == .broadcast, etherType == Self.arp, payload.count >= 28,
              payload[arp + 6] == 0, payload[arp + 7] == 1 else { return 0 }  // ARP opcode 1 = request
        return payload[(arp + 24)..<(arp + 28)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
