/// A datagram of a UDP association: RSV(2) FRAG ATYP DST.ADDR DST.PORT DATA (RFC 1928 §7), its destination on
/// the way out and its source on the way back.
public struct SOCKSDatagram: Equatable, Sendable {
    public var fragment: UInt8
    public var destination: ProxyDestination
    /// Where the payload starts in the datagram.
    public var payloadOffset: Int

    public init(fragment: UInt8 = 0, destination: ProxyDestination, payloadOffset: Int = 0) {
        self.fragment = fragment
        self.destination = destination
        self.payloadOffset = payloadOffset
    }

    /// A datagram is whole or nothing: a cut header is malformed, not incomplete.
    public static func decode(_ datagram: some RandomAccessCollection<UInt8>) throws(SOCKSError) -> SOCKSDatagram {
        let head = Array(datagram.prefix(3))
        guard head.count == 3 else { throw .malformed("\(head.count)-byte datagram") }
        guard head[0] == 0 && head[1] == 0 else { throw .malformed("reserved bytes of a datagram") }
        switch try SOCKSAddress.decode(datagram, at: 3) {
        case .incomplete: throw .malformed("datagram cut in its address")
        case let .complete(destination, consumed):
            return SOCKSDatagram(fragment: head[2], destination: destination, payloadOffset: 3 + consumed)
        }
    }

    /// The header to put before a payload.
    public static func header(for peer: ProxyDestination) -> [UInt8] { [0, 0, 0] + SOCKSAddress.encode(peer) }
}
