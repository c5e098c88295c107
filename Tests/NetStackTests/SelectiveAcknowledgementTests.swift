import Dispatch
import NetStack
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A TCP segment as the tests read it off the wire (IPv4 in Ethernet), checksum verified.
struct Segment: Sendable {
    var flags: UInt8
    var seq: UInt32
    var ack: UInt32
    var payloadLength: Int
    /// (kind, bytes after kind and length)
    var options: [(UInt8, [UInt8])]
    var checksumValid: Bool

    var isSYN: Bool { flags & 0x02 != 0 }
    /// The window the segment announces, before scaling.
    var window: UInt16
    var sackBlocks: [(UInt32, UInt32)] {
        guard let sack = options.first(where: { $0.0 == 5 })?.1 else { return [] }
        return stride(from: 0, to: sack.count - 7, by: 8).map { (Self.read32(sack, $0), Self.read32(sack, $0 + 4)) }
    }

    init?(frame: [UInt8]) {
        guard frame.count >= 54, frame[12] == 0x08, frame[13] == 0x00, frame[23] == 6 else { return nil }
        let ip = 14, ipHeader = Int(frame[ip] & 0x0f) * 4
        let total = Int(frame[ip + 2]) << 8 | Int(frame[ip + 3])
        let tcp = ip + ipHeader, tcpHeader = Int(frame[tcp + 12] >> 4) * 4
        guard ip + total <= frame.count, tcpHeader >= 20, ipHeader + tcpHeader <= total else { return nil }
        flags = frame[tcp + 13]
        seq = Self.read32(frame, tcp + 4)
        ack = Self.read32(frame, tcp + 8)
        window = UInt16(frame[tcp + 14]) << 8 | UInt16(frame[tcp + 15])
        payloadLength = total - ipHeader - tcpHeader
        options = []
        var i = tcp + 20
        while i < tcp + tcpHeader {
            let kind = frame[i]
            if kind == 0 { break }
            if kind == 1 { i += 1; continue }
            let length = Int(frame[i + 1])
            guard length >= 2, i + length <= tcp + tcpHeader else { break }
            options.append((kind, Array(frame[(i + 2)..<(i + length)])))
            i += length
        }
        // The checksum over the pseudo-header and the segment, as a receiving kernel checks it.
        var sum: UInt32 = 0
        func add(_ bytes: ArraySlice<UInt8>) {
            var index = bytes.startIndex
            while index + 1 < bytes.endIndex { sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1]); index += 2 }
            if index < bytes.endIndex { sum += UInt32(bytes[index]) << 8 }
        }
        add(frame[(ip + 12)..<(ip + 20)])
        sum += 6 + UInt32(total - ipHeader)
        add(frame[tcp..<(ip + total)])
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        checksumValid = sum == 0xffff
    }

    static func read32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}

extension NetStackTests {
    /// SACK and D-SACK, which lwIP lacks, added at the link layer (tcp_sack.c): negotiated in the SYNs, sent
    /// on ACKs from lwIP's out-of-order queue, read by the sender to resend exactly the holes.
    @Suite struct SelectiveAcknowledgementTests {
        @Test func lostAndDuplicatedSegmentsAreReportedAndRepaired() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            struct Wire: Sendable {
                var fromA: [Segment] = []
                var fromB: [Segment] = []
                var dataSegments = 0
                var dropped: [Segment] = []
                var duplicated: Segment?
                var seen: Set<UInt32> = []
            }
            let log = Locked(Wire())
            hosts.wire.withLock {
                $0 = { fromA, frame in
                    guard let segment = Segment(frame: frame) else { return [frame] }
                    return log.withLock { wire in
                        guard fromA else {
                            wire.fromB.append(segment)
                            return [frame]
                        }
                        wire.fromA.append(segment)
                        guard segment.payloadLength > 0, wire.seen.insert(segment.seq).inserted else { return [frame] }
                        wire.dataSegments += 1
                        // Two holes of one segment each, well apart, and one segment that arrives twice.
                        if wire.dataSegments == 40 || wire.dataSegments == 80 {
                            wire.dropped.append(segment)
                            return []
                        }
                        if wire.dataSegments == 120 {
                            wire.duplicated = segment
                            return [frame, frame]
                        }
                        return [frame]
                    }
                }
            }
            let size = 1 << 20
            let data = pattern(count: size)
            let received = Locked([UInt8]())
            let done = Event()
            let listener = try TCPListener(address: .v4(TwoHosts.addressB4), port: 5301, via: hosts.b) { connection in
                connection.setHandlers(.init(receive: { event in
                    switch event {
                    case .data(let bytes):
                        received.withLock { $0 += bytes }
                        connection.acknowledge(bytes.count)
                    case .endOfStream:
                        connection.close()
                        done.signal()
                    }
                }))
            }
            defer { listener.close() }
            let sender = try await connectAndSend(data, over: hosts, to: 5301) { try? $0.shutdown(.write) }
            defer { sender.close() }
            #expect(await done.wait(timeout: .seconds(60)))
            #expect(received.value == data)

            let wire = log.value
            let synA = try #require(wire.fromA.first(where: { $0.isSYN }))
            let synB = try #require(wire.fromB.first(where: { $0.isSYN }))
            #expect(synA.options.contains { $0.0 == 4 }, "the SYN offers SACK")
            #expect(synB.options.contains { $0.0 == 4 }, "the SYN-ACK takes it")
            #expect(wire.fromB.allSatisfy { $0.checksumValid }, "options added on the way out keep the checksums right")
            #expect(wire.fromA.allSatisfy { $0.checksumValid })
            #expect(wire.dropped.count == 2)
            for hole in wire.dropped {
                let holeEnd = hole.seq &+ UInt32(hole.payloadLength)
                // B reports the data after the hole while it waits for it ...
                #expect(wire.fromB.contains { ack in ack.ack == hole.seq && ack.sackBlocks.contains { $0.0 == holeEnd } },
                        "a SACK block starts where hole \(hole.seq) ends")
                // ... and A resends the hole itself.
                #expect(wire.fromA.filter { $0.seq == hole.seq && $0.payloadLength == hole.payloadLength }.count >= 2)
            }
            let duplicate = try #require(wire.duplicated)
            let duplicateEnd = duplicate.seq &+ UInt32(duplicate.payloadLength)
            #expect(wire.fromB.contains { ack in
                guard let first = ack.sackBlocks.first else { return false }
                return first == (duplicate.seq, duplicateEnd) && Int32(bitPattern: ack.ack &- first.1) >= 0
            }, "the second copy is reported as a D-SACK block at or below the ACK")
        }

        @Test func aPeerThatDoesNotOfferSACKGetsNone() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let fromB = Locked([Segment]())
            // The SYN reaches B without its SACK-permitted option (kind 4 turned into two NOPs), as from a
            // stack that has no SACK.
            hosts.wire.withLock {
                $0 = { fromA, frame in
                    guard let segment = Segment(frame: frame) else { return [frame] }
                    if !fromA { fromB.withLock { $0.append(segment) } }
                    guard fromA, segment.isSYN else { return [frame] }
                    return [withoutSACKPermitted(frame)]
                }
            }
            let accepted = Event()
            let listener = try TCPListener(address: .v4(TwoHosts.addressB4), port: 5302, via: hosts.b) { connection in
                connection.setHandlers(.init(receive: { _ in }))
                accepted.signal()
            }
            defer { listener.close() }
            let sender = try await TCPConnection.connect(to: .v4(TwoHosts.addressB4), port: 5302, via: hosts.a,
                                                         handlers: .init(receive: { _ in }))
            defer { sender.close() }
            #expect(await accepted.wait())
            let synAck = try #require(fromB.value.first(where: { $0.isSYN }))
            #expect(!synAck.options.contains { $0.0 == 4 })
            #expect(synAck.checksumValid)
        }
    }
}

/// The frame with any SACK-permitted option replaced by two NOPs, its checksum recomputed.
private func withoutSACKPermitted(_ frame: [UInt8]) -> [UInt8] {
    var frame = frame
    let ip = 14, ipHeader = Int(frame[ip] & 0x0f) * 4
    let total = Int(frame[ip + 2]) << 8 | Int(frame[ip + 3])
    let tcp = ip + ipHeader, end = tcp + Int(frame[tcp + 12] >> 4) * 4
    var i = tcp + 20
    while i < end, frame[i] != 0 {
        if frame[i] == 1 { i += 1; continue }
        let length = max(Int(frame[i + 1]), 2)
        if frame[i] == 4 { (frame[i], frame[i + 1]) = (1, 1) }
        i += length
    }
    frame[tcp + 16] = 0
    frame[tcp + 17] = 0
    var sum: UInt32 = 6 + UInt32(total - ipHeader)
    func add(_ range: Range<Int>) {
        var index = range.lowerBound
        while index + 1 < range.upperBound { sum += UInt32(frame[index]) << 8 | UInt32(frame[index + 1]); index += 2 }
        if index < range.upperBound { sum += UInt32(frame[index]) << 8 }
    }
    add((ip + 12)..<(ip + 20))
    add(tcp..<(ip + total))
    while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
    let checksum = ~UInt16(sum)
    frame[tcp + 16] = UInt8(checksum >> 8)
    frame[tcp + 17] = UInt8(truncatingIfNeeded: checksum)
    return frame
}
