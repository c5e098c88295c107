/// Members of a multicast group as OK(MULTICAST_GATHER) and OK(MULTICAST_FRAME) return them:
/// total known members (BE u32), number listed here (BE u16), then that many 5-byte addresses.
public struct MulticastGatherResults: Hashable, Sendable {
    /// How many members the responder knows in all (the list may hold only some of them).
    public var totalKnown: UInt32
    public var members: [Address]

    public init(totalKnown: UInt32, members: [Address]) {
        precondition(members.count <= Int(UInt16.max))
        self.totalKnown = totalKnown
        self.members = members
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        totalKnown = try reader.readUInt32()
        let count = Int(try reader.readUInt16())
        guard count * Address.byteCount <= reader.remaining else {
            throw .truncated(needed: count * Address.byteCount, remaining: reader.remaining)
        }
        var members = [Address]()
        members.reserveCapacity(count)
        for _ in 0..<count { members.append(try reader.readAddress()) }
        self.members = members
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(totalKnown)
        writer.write(UInt16(members.count))
        for member in members { writer.write(member) }
    }
}
