/// RENDEZVOUS (verb 0x05): a root telling a node where another node it talks to can be reached, so both
/// can try a direct path (the receiver sends a low-TTL junk datagram, then HELLO, to that address).
///
/// | size | field |
/// |---|---|
/// | 1 | flags (none defined, 0) |
/// | 5 | address of the other node |
/// | 2 | UDP port |
/// | 1 | IP address length: 4 or 16 |
/// | 4/16 | IP address |
///
/// Other address lengths throw (ZeroTier ignores such a message); bytes after the address are ignored.
public struct RendezvousMessage: WireMessage {
    public static let verb = Verb.rendezvous

    public var flags: UInt8
    public var peer: Address
    public var endpoint: InetEndpoint

    public init(flags: UInt8 = 0, peer: Address, endpoint: InetEndpoint) {
        self.flags = flags
        self.peer = peer
        self.endpoint = endpoint
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        flags = try reader.readUInt8()
        peer = try reader.readAddress()
        let port = try reader.readUInt16()
        let length = Int(try reader.readUInt8())
        guard length == 4 || length == 16 else { throw .invalid("rendezvous address length \(length)") }
        endpoint = InetEndpoint(ip: IPAddress(bytes: try reader.readBytes(length))!, port: port)
        _ = reader.readRest()
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(flags)
        writer.write(peer)
        writer.write(endpoint.port)
        let ip = endpoint.ip.bytes
        writer.write(UInt8(ip.count))
        writer.write(ip)
    }
}
