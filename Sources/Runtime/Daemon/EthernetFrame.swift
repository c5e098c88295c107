import ZeroTier

/// An Ethernet II frame as lwIP produces and consumes it: destination, source, ethertype, payload.
struct EthernetFrame: Sendable {
    static let headerLength = 14
    static let arp: UInt16 = 0x0806

    var destination: MAC
    var source: MAC
    var etherType: UInt16
    var payload: [UInt8]

    init(destination: MAC, source: MAC, etherType: UInt16, payload: [UInt8]) {
        self.destination = destination
        self.source = source
        self.etherType = etherType
        self.payload = payload
    }

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= Self.headerLength else { return nil }
        destination = MAC(bytes: bytes[0..<6])
        source = MAC(bytes: bytes[6..<12])
        etherType = UInt16(bytes[12]) << 8 | UInt16(bytes[13])
        payload = Array(bytes[Self.headerLength...])
    }

    var bytes: [UInt8] {
        destination.bytes + source.bytes + [UInt8(etherType >> 8), UInt8(truncatingIfNeeded: etherType)] + payload
    }

    /// ZeroTier sends broadcast ARP requests to the group (broadcast, target IPv4) so only the owner of the
    /// address receives them; every other multicast frame uses ADI 0.
    var multicastADI: UInt32 {
        guard destination == .broadcast, etherType == Self.arp, payload.count >= 28,
              payload[6] == 0, payload[7] == 1 else { return 0 }  // ARP opcode 1 = request
        return payload[24..<28].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
