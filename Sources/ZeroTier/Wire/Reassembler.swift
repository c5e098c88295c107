/// Collects fragmented packets until the head and every fragment are in, in any order.
///
/// A pure value: no clock and no timers. Every call takes `now` (milliseconds, from the caller's clock) and
/// first forgets packets older than the timeout; `nextDeadline` tells the caller when to call `expire(now:)`
/// if nothing else arrives. Memory is bounded: at most `capacity` packets are in flight (the oldest is evicted
/// to make room), each at most `ProtocolLimits.maxFragments` datagrams of bounded size.
///
/// Defaults follow ZeroTier One: 32 packets in flight, 5 s timeout, 7 datagrams per packet.
public struct Reassembler: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var capacity: Int
        public var timeout: Int64
        public var maxFragments: Int

        public init(capacity: Int = 32, timeout: Int64 = 5_000, maxFragments: Int = ProtocolLimits.maxFragments) {
            precondition(capacity >= 1 && timeout >= 0 && (2...15).contains(maxFragments))
            self.capacity = capacity
            self.timeout = timeout
            self.maxFragments = maxFragments
        }
    }

    public enum Outcome: Hashable, Sendable {
        /// Head and all fragments are in: the whole packet as it was before splitting (still armored,
        /// fragmented flag still set, as the MAC requires).
        case complete(Packet)
        /// Kept; waiting for the rest.
        case pending
        /// Ignored; whatever was already collected for the packet is kept unless the reason says otherwise.
        case dropped(DropReason)
    }

    public enum DropReason: Hashable, Sendable {
        /// A head or a fragment number that was already received.
        case duplicate
        /// A fragment whose total differs from the total of the packet's earlier fragments, or whose number
        /// doesn't fit that total.
        case inconsistentTotal
        /// More datagrams than `maxFragments`.
        case tooManyFragments
        /// Same packet ID, different destination address.
        case destinationMismatch
        /// The head given to `receive(head:now:)` does not have the fragmented flag.
        case notFragmented
        /// The reassembled packet would exceed `ProtocolLimits.maxPacketLength`; the packet is discarded.
        case tooLong
    }

    private struct Entry: Sendable {
        var destination: Address
        var firstSeen: Int64
        var head: Packet?
        var total: Int?
        var fragments: [[UInt8]?]
        var fragmentCount = 0
    }

    public let configuration: Configuration
    private var entries: [UInt64: Entry] = [:]

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Packets with at least one datagram received and not yet complete, expired or evicted.
    public var pendingCount: Int { entries.count }

    /// When the oldest pending packet times out, if any.
    public var nextDeadline: Int64? {
        entries.values.lazy.map(\.firstSeen).min().map { $0 + configuration.timeout }
    }

    /// Forgets packets first seen more than `timeout` ms before `now`.
    public mutating func expire(now: Int64) {
        guard let deadline = nextDeadline, now > deadline else { return }
        let timeout = configuration.timeout
        entries = entries.filter { now - $0.value.firstSeen <= timeout }
    }

    /// Takes the head of a fragmented packet (a packet with the fragmented flag).
    public mutating func receive(head: Packet, now: Int64) -> Outcome {
        guard head.header.flags.isFragmented else { return .dropped(.notFragmented) }
        expire(now: now)
        let id = head.header.packetID
        var entry = entries[id] ?? makeEntry(destination: head.header.destination, now: now)
        guard entry.destination == head.header.destination else { return .dropped(.destinationMismatch) }
        guard entry.head == nil else { return .dropped(.duplicate) }
        entry.head = head
        return store(entry, id: id)
    }

    /// Takes one fragment (number 1 or more).
    public mutating func receive(_ fragment: Fragment, now: Int64) -> Outcome {
        let total = Int(fragment.total), number = Int(fragment.number)
        guard total <= configuration.maxFragments else { return .dropped(.tooManyFragments) }
        guard number >= 1, number < total else { return .dropped(.inconsistentTotal) }
        expire(now: now)
        let id = fragment.packetID
        var entry = entries[id] ?? makeEntry(destination: fragment.destination, now: now)
        guard entry.destination == fragment.destination else { return .dropped(.destinationMismatch) }
        if let known = entry.total, known != total { return .dropped(.inconsistentTotal) }
        guard entry.fragments[number - 1] == nil else { return .dropped(.duplicate) }
        entry.total = total
        entry.fragments[number - 1] = fragment.data
        entry.fragmentCount += 1
        return store(entry, id: id)
    }

    private func makeEntry(destination: Address, now: Int64) -> Entry {
        Entry(destination: destination, firstSeen: now, head: nil, total: nil,
              fragments: Array(repeating: nil, count: configuration.maxFragments - 1))
    }

    /// Saves `entry` (evicting the oldest packet if a new one doesn't fit), or completes it.
    private mutating func store(_ entry: Entry, id: UInt64) -> Outcome {
        guard var packet = entry.head, let total = entry.total, entry.fragmentCount == total - 1 else {
            if entries[id] == nil, entries.count >= configuration.capacity,
               let oldest = entries.min(by: { $0.value.firstSeen < $1.value.firstSeen })?.key {
                entries[oldest] = nil
            }
            entries[id] = entry
            return .pending
        }
        entries[id] = nil
        let length = packet.length + entry.fragments[0..<(total - 1)].reduce(0) { $0 + ($1?.count ?? 0) }
        guard length <= ProtocolLimits.maxPacketLength else { return .dropped(.tooLong) }
        packet.payload.reserveCapacity(length - PacketHeader.size)
        for data in entry.fragments[0..<(total - 1)] { packet.payload += data! }
        return .complete(packet)
    }
}
