/// Splits an armored packet into datagrams no larger than the path MTU, the way ZeroTier sends them: the head is
/// the first `mtu` bytes of the packet (header included, fragmented flag set), then fragments of `mtu - 16` bytes
/// of packet data each, numbered from 1, the last one shorter.
///
/// The fragmented flag is covered by the MAC, so sending is two steps: `prepare(_:)` on the plain packet (after
/// compression, before armoring), then `split(_:)` on the armored bytes, which must have the same length.
public struct Fragmenter: Sendable {
    public let mtu: Int

    /// `mtu` must at least hold a packet header.
    public init(mtu: Int = ProtocolLimits.defaultPhysicalMTU) {
        precondition(mtu >= PacketHeader.size, "MTU \(mtu) is smaller than a packet header")
        self.mtu = mtu
    }

    /// Packet bytes carried by each fragment after the head.
    public var fragmentDataSize: Int { mtu - Fragment.headerSize }

    /// The largest packet that fits in `ProtocolLimits.maxFragments` datagrams at this MTU (9 928 bytes at 1432),
    /// capped by `ProtocolLimits.maxPacketLength`.
    public var maxPacketLength: Int {
        min(mtu + (ProtocolLimits.maxFragments - 1) * fragmentDataSize, ProtocolLimits.maxPacketLength)
    }

    /// Datagrams needed for a packet of `length` bytes, head included.
    public func datagramCount(packetLength length: Int) -> Int {
        guard length > mtu else { return 1 }
        let rest = length - mtu
        return 1 + (rest + fragmentDataSize - 1) / fragmentDataSize
    }

    public func needsFragmentation(packetLength length: Int) -> Bool { length > mtu }

    /// Sets or clears the fragmented flag for the packet's current length. Call after compressing and before
    /// armoring.
    public func prepare(_ packet: inout Packet) {
        packet.header.flags.isFragmented = needsFragmentation(packetLength: packet.length)
    }

    /// The datagrams to send for an armored packet: the head first, then fragments 1, 2, …
    /// Throws if the bytes are not a packet, if the fragmented flag disagrees with the length (the MAC would
    /// then be computed over the wrong flags), or if the packet needs more datagrams than receivers accept.
    /// Given the only reference to the array, the head is the array itself, shortened.
    public func split(_ armored: consuming [UInt8]) throws(FragmentationError) -> [[UInt8]] {
        var packet = consume armored
        guard packet.count >= PacketHeader.size else { throw .notAPacket(length: packet.count) }
        let flags = PacketFlags(rawValue: packet[18])
        let needed = needsFragmentation(packetLength: packet.count)
        guard flags.isFragmented == needed else { throw .fragmentedFlagMismatch(expected: needed) }
        guard needed else { return [packet] }

        let total = datagramCount(packetLength: packet.count)
        guard total <= ProtocolLimits.maxFragments else { throw .tooManyFragments(total) }

        let header = PacketHeader(wire: packet)
        var datagrams: [[UInt8]] = [[]]
        datagrams.reserveCapacity(total)
        var start = mtu
        for number in 1..<total {
            let end = min(start + fragmentDataSize, packet.count)
            var writer = ByteWriter(capacity: Fragment.headerSize + end - start)
            Fragment.writeHeader(packetID: header.packetID, destination: header.destination, number: UInt8(number),
                                 total: UInt8(total), hops: 0, to: &writer)
            writer.write(packet[start..<end])
            datagrams.append(writer.bytes)
            start = end
        }
        packet.removeSubrange(mtu...)
        datagrams[0] = packet
        return datagrams
    }
}

/// Why `Fragmenter.split` refused a packet.
public enum FragmentationError: Error, Equatable, Sendable {
    case notAPacket(length: Int)
    case fragmentedFlagMismatch(expected: Bool)
    case tooManyFragments(Int)
}
