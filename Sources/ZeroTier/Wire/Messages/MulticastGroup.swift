/// A multicast channel on a virtual network: an Ethernet multicast MAC plus 32 bits of "additional
/// distinguishing information" (ADI). ZeroTier uses the ADI to split broadcast ARP by target IPv4 address
/// (MAC ff:ff:ff:ff:ff:ff, ADI = the address asked for); for every other group it is 0.
///
/// Wire form: MAC (6 bytes) ‖ ADI (BE u32).
public struct MulticastGroup: Hashable, Sendable, CustomStringConvertible {
    public var mac: MAC
    public var adi: UInt32

    public init(mac: MAC, adi: UInt32 = 0) {
        self.mac = mac
        self.adi = adi
    }

    public static let byteCount = 10

    /// The group an ARP request for `ipv4` goes to.
    public static func arp(for ipv4: UInt32) -> MulticastGroup { MulticastGroup(mac: .broadcast, adi: ipv4) }

    public var description: String {
        let hex = String(adi, radix: 16)
        return "\(mac)/" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}

extension ByteReader {
    public mutating func readMulticastGroup() throws(DecodingError) -> MulticastGroup {
        let mac = try readMAC()
        return MulticastGroup(mac: mac, adi: try readUInt32())
    }
}

extension ByteWriter {
    public mutating func write(_ group: MulticastGroup) {
        write(group.mac)
        write(group.adi)
    }
}
