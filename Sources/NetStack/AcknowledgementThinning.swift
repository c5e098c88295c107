import CLwIP

/// Finds the pure TCP acknowledgements in a batch of outgoing frames that a later acknowledgement of the same
/// connection makes redundant (the rule is in `tcp_ack_thinning.c`): a receiving node then sends about one
/// ACK per connection and batch instead of one per two segments. Keeps its buffers from batch to batch.
public struct AcknowledgementThinning {
    private var acks: [netcon_tcp_ack] = []
    /// After `mark`: non-zero at the frames that need not be sent.
    public private(set) var superseded: [UInt8] = []

    public init() {}

    /// `frame(i)` gives the ether type and IP packet of the i-th of `count` frames, in sending order.
    /// Returns how many are superseded (none of a single frame, which is not even read).
    @discardableResult
    public mutating func mark(count: Int, frame: (Int) -> (etherType: UInt16, packet: ArraySlice<UInt8>)) -> Int {
        if superseded.count < count { superseded = [UInt8](repeating: 0, count: count) }
        guard count > 1 else {
            if count == 1 { superseded[0] = 0 }
            return 0
        }
        acks.removeAll(keepingCapacity: true)
        for index in 0..<count {
            let (etherType, packet) = frame(index)
            var ack = netcon_tcp_ack()
            if packet.withUnsafeBufferPointer({ netcon_tcp_pure_ack(etherType, $0.baseAddress, $0.count, &ack) }) == 0 {
                ack.version = 0
            }
            acks.append(ack)
        }
        return acks.withUnsafeBufferPointer { acks in
            superseded.withUnsafeMutableBufferPointer { netcon_tcp_thin_acks(acks.baseAddress, count, $0.baseAddress) }
        }
    }
}
