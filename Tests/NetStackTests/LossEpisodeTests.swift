import Dispatch
import NetStack
import Synchronization
import Testing

extension NetStackTests {
    /// netcon's loss recovery beyond lwIP (tcp_recovery.c) where SACK alone cannot help: a tail that is lost
    /// whole, with nothing after it for the peer to SACK.
    @Suite struct LossEpisodeTests {
        /// The last segments of a transfer are all dropped once. The first timeout resends only the oldest
        /// (a probe); once its ACK shows the rest missing, the rest goes again at once at half the window,
        /// not one segment per backed-off timeout and slow start from a single segment.
        @Test func aLostTailIsResentInOneGoAfterTheProbe() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let size = 256 << 10, tailSegments = 6, mss = 2760
            struct Wire: Sendable {
                var events: [(fromA: Bool, segment: Segment)] = []
                var firstSequence: UInt32?
                var dropped: Set<UInt32> = []
            }
            let log = Locked(Wire())
            hosts.wire.withLock {
                $0 = { fromA, frame in
                    guard let segment = Segment(frame: frame) else { return [frame] }
                    return log.withLock { wire in
                        wire.events.append((fromA, segment))
                        if fromA, segment.isSYN { wire.firstSequence = segment.seq &+ 1 }
                        guard fromA, segment.payloadLength > 0, let first = wire.firstSequence else { return [frame] }
                        let end = Int(segment.seq &- first) + segment.payloadLength
                        guard end > size - tailSegments * mss, wire.dropped.insert(segment.seq).inserted else { return [frame] }
                        return []
                    }
                }
            }
            let data = pattern(count: size)
            let received = Locked([UInt8]())
            let complete = Event()
            let listener = try TCPListener(address: .v4(TwoHosts.addressB4), port: 5311, via: hosts.b) { connection in
                connection.setHandlers(.init(receive: { event in
                    guard case .data(let bytes) = event else { return }
                    let count = received.withLock { $0 += bytes; return $0.count }
                    connection.acknowledge(bytes.count)
                    if count == size { complete.signal() }
                }))
            }
            defer { listener.close() }
            // No FIN until everything arrived: a FIN after the tail would be SACKed and show the holes.
            let sender = try await connectAndSend(data, over: hosts, to: 5311)
            defer { sender.close() }
            #expect(await complete.wait(timeout: .seconds(30)))
            #expect(received.value == data)

            let wire = log.value
            let dropped = wire.dropped
            #expect(dropped.count >= tailSegments - 1)
            // A's resends of dropped segments, in wire order, and where B's ACKs fall between them.
            var resends: [(index: Int, seq: UInt32)] = []
            for (index, event) in wire.events.enumerated() where event.fromA && event.segment.payloadLength > 0 {
                if dropped.contains(event.segment.seq), wire.events[..<index].contains(where: { $0.fromA && $0.segment.seq == event.segment.seq }) {
                    resends.append((index, event.segment.seq))
                }
            }
            #expect(Set(resends.map(\.seq)) == dropped, "every dropped segment is resent")
            #expect(resends.count == dropped.count, "and only once")
            guard let probe = resends.first else { return }
            let rest = resends.dropFirst()
            let firstAckAfterProbe = wire.events[(probe.index + 1)...].firstIndex { !$0.fromA } ?? wire.events.count
            let nextAck = wire.events[(firstAckAfterProbe + 1)...].firstIndex { !$0.fromA && $0.segment.payloadLength == 0 } ?? wire.events.count
            let together = rest.filter { $0.index > firstAckAfterProbe && $0.index < nextAck }.count
            #expect(together >= min(3, rest.count),
                    "after the probe's ACK, \(together) of the \(rest.count) other lost segments went before B's next ACK")
        }

        /// A lost SYN goes again (after 1 s, RFC 6298's first timeout, where lwIP waits 3 s) with the same
        /// sequence number, and the connection is made.
        @Test func aLostSYNIsResent() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let syns = Locked([UInt32]())
            hosts.wire.withLock {
                $0 = { fromA, frame in
                    guard fromA, let segment = Segment(frame: frame), segment.isSYN else { return [frame] }
                    let count = syns.withLock { $0.append(segment.seq); return $0.count }
                    return count == 1 ? [] : [frame]
                }
            }
            let accepted = Event()
            let listener = try TCPListener(address: .v4(TwoHosts.addressB4), port: 5313, via: hosts.b) { connection in
                connection.setHandlers(.init(receive: { _ in }))
                accepted.signal()
            }
            defer { listener.close() }
            let connection = try await TCPConnection.connect(to: .v4(TwoHosts.addressB4), port: 5313, via: hosts.a,
                                                             handlers: .init(receive: { _ in }))
            defer { connection.close() }
            #expect(await accepted.wait(timeout: .seconds(10)))
            let sent = syns.value
            #expect(sent.count == 2)
            #expect(Set(sent).count == 1)
        }

        /// Connections receiving at the same time share the node's receive budget: once they all receive,
        /// none is offered more than an equal share, so their peers together never have more in flight than
        /// the budget (plus what was announced before the share shrank).
        @Test func receivingConnectionsShareTheReceiveBudget() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let budget = 256 << 10, streams = 4, size = 4 << 20
            let saved = Stack.receiveBudget
            Stack.receiveBudget = budget
            defer { Stack.receiveBudget = saved }
            // B's ACKs, per connection (A's port), with how much of the stream B had received by then.
            let windows = Locked([UInt16: [(received: UInt32, window: Int)]]())
            let starts = Locked([UInt16: UInt32]())
            hosts.wire.withLock {
                $0 = { fromA, frame in
                    guard !fromA, let segment = Segment(frame: frame) else { return [frame] }
                    let port = UInt16(frame[36]) << 8 | UInt16(frame[37])  // A's end: one per connection
                    if segment.isSYN {
                        starts.withLock { $0[port] = segment.ack }
                    } else if let start = starts.withLock({ $0[port] }) {
                        windows.withLock { $0[port, default: []].append((segment.ack &- start, Int(segment.window) << 5)) }
                    }
                    return [frame]
                }
            }
            let done = Locked(0)
            let finished = Event()
            let listener = try TCPListener(address: .v4(TwoHosts.addressB4), port: 5312, via: hosts.b) { connection in
                let count = Locked(0)
                connection.setHandlers(.init(receive: { event in
                    guard case .data(let bytes) = event else { return }
                    connection.acknowledge(bytes.count)
                    if count.withLock({ $0 += bytes.count; return $0 }) == size, done.withLock({ $0 += 1; return $0 }) == streams {
                        finished.signal()
                    }
                }))
            }
            defer { listener.close() }
            let data = pattern(count: size)
            var senders: [TCPConnection] = []
            defer { for sender in senders { sender.close() } }
            for index in 0..<streams {
                senders.append(try await connectAndSend(data, over: hosts, to: 5312, label: "sender \(index)"))
            }
            #expect(await finished.wait(timeout: .seconds(60)))
            let seen = windows.value
            #expect(seen.count == streams)
            let share = budget / streams
            for (port, acks) in seen {
                // The middle of each stream, when all of them are receiving.
                let middle = acks.filter { $0.received > UInt32(size / 4) && $0.received < UInt32(size * 3 / 4) }
                #expect(!middle.isEmpty)
                let sorted = middle.map(\.window).sorted()
                let typical = sorted.isEmpty ? 0 : sorted[sorted.count / 2], largest = sorted.last ?? 0
                #expect(typical <= share + (share >> 2), "port \(port): typically offered \(typical) bytes, its share is \(share)")
                // A machine that stalls the test for a moment may see fewer receivers; never one alone.
                #expect(largest <= budget / 2, "port \(port): offered \(largest) bytes of a \(budget)-byte budget")
                #expect(typical > 0)
            }
        }
    }
}
