/// The IPv6 addresses a ZeroTier controller derives from network ID and member address alone (the network's
/// `v6AssignMode`), so every member can compute every other member's address and answer neighbor
/// discovery for it (`NetworkConfig.Flags.ipv6NDPEmulation`).
extension IPPrefix {
    /// `rfc4193` mode: `fd` ‖ network ID (8 bytes) ‖ `99 93` ‖ member address (5 bytes), prefix /88 (the
    /// part before the address). m1 `0f845b7051` on `cf2daa94e4000001` is `fdcf:2daa:94e4:0:199:930f:845b:7051/88`.
    public static func rfc4193(network: NetworkID, member: Address) -> IPPrefix {
        var writer = ByteWriter(capacity: 16)
        writer.write(UInt8(0xfd))
        writer.write(network.rawValue)
        writer.write(UInt16(0x9993))
        writer.write(member)
        return IPPrefix(ip: IPAddress(bytes: writer.bytes)!, prefixLength: 88)
    }

    /// `6plane` mode: `fc` ‖ the network ID folded to 32 bits (high half XOR low half) ‖ member address
    /// (5 bytes) ‖ `00 00 00 00 00 01`, prefix /40. The member owns the whole /80 below its address part.
    public static func sixPlane(network: NetworkID, member: Address) -> IPPrefix {
        let folded = UInt32(truncatingIfNeeded: network.rawValue ^ (network.rawValue >> 32))
        var writer = ByteWriter(capacity: 16)
        writer.write(UInt8(0xfc))
        writer.write(folded)
        writer.write(member)
        writer.write([0, 0, 0, 0, 0, 1] as [UInt8])
        return IPPrefix(ip: IPAddress(bytes: writer.bytes)!, prefixLength: 40)
    }
}
