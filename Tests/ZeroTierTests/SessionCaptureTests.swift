import Foundation
import Testing
@testable import ZeroTier

/// The real ZeroTier One 1.14.1 session in `session/session.pcap`, checked against `session-decoded.json`.
@Suite struct SessionCaptureTests {
    static func capture() throws -> Pcap { try Pcap(contentsOf: Vectors.url("session/session.pcap")) }

    @Test func everyDatagramIsAFragmentAPacketOrNATPunchJunk() throws {
        let datagrams = try Self.capture().datagrams
        #expect(datagrams.count == 264)
        var packets = 0, fragments = 0, junk = 0
        for datagram in datagrams {
            #expect(datagram.source.port == 9993 && datagram.destination.port == 9993)
            do {
                switch try Datagram(bytes: datagram.payload) {
                case let .packet(packet):
                    packets += 1
                    #expect(packet.encoded() == datagram.payload)
                case let .fragment(fragment):
                    fragments += 1
                    #expect(fragment.encoded() == datagram.payload)
                case .beacon:
                    Issue.record("unexpected beacon in datagram \(datagram.index)")
                }
            } catch {
                #expect(datagram.payload.count == 4, "datagram \(datagram.index) of \(datagram.payload.count) bytes: \(error)")
                junk += 1
            }
        }
        #expect(packets == 257)
        #expect(fragments == 4)
        #expect(junk == 3)
    }

    /// Feeding the capture through the reassembler in order yields exactly the decoder's packets, in its order.
    @Test func reassemblyReproducesTheDecodedPackets() throws {
        let datagrams = try Self.capture().datagrams
        let records = try SessionRecords.load().packets
        #expect(records.count == 257)
        let start = datagrams[0].time
        var reassembler = Reassembler()
        var completed = [(packet: Packet, datagram: Pcap.UDPDatagram, pieces: Int)]()
        var pieces = [UInt64: Int]()
        for datagram in datagrams {
            let now = Int64(((datagram.time - start) * 1000).rounded())
            guard let parsed = try? Datagram(bytes: datagram.payload) else { continue }
            switch parsed {
            case let .packet(packet) where !packet.header.flags.isFragmented:
                completed.append((packet, datagram, 1))
            case let .packet(head):
                pieces[head.header.packetID, default: 0] += 1
                if case let .complete(packet) = reassembler.receive(head: head, now: now) {
                    completed.append((packet, datagram, pieces.removeValue(forKey: head.header.packetID)!))
                }
            case let .fragment(fragment):
                pieces[fragment.packetID, default: 0] += 1
                if case let .complete(packet) = reassembler.receive(fragment, now: now) {
                    completed.append((packet, datagram, pieces.removeValue(forKey: fragment.packetID)!))
                }
            case .beacon:
                break
            }
        }
        #expect(reassembler.pendingCount == 0)
        try #require(completed.count == records.count)

        let reassembled = completed.filter { $0.pieces > 1 }
        #expect(reassembled.count == 4)
        #expect(records.filter { $0.reassembledFromFragments != nil }.count == 4)

        for ((packet, datagram, count), record) in zip(completed, records) {
            let bytes = packet.encoded()
            #expect(Hex.encode(bytes) == record.rawHex)
            #expect(bytes.count == record.size)
            #expect(count == (record.reassembledFromFragments ?? 1))
            #expect(datagram.source == SessionRecords.Record.endpoint(record.from))
            #expect(datagram.destination == SessionRecords.Record.endpoint(record.to))

            let header = packet.header
            #expect(Hex.encode(withUnsafeBytes(of: header.packetID.bigEndian) { Array($0) }) == record.packetId)
            #expect(header.destination.description == record.dst)
            #expect(header.source.description == record.src)
            #expect(header.flags.description == record.flags)
            #expect(Int(header.flags.hops) == record.hops)
            #expect(header.flags.cipher.description == record.cipher)
            #expect(header.flags.isFragmented == record.fragmented)
            #expect(header.flags.isFragmented == (count > 1))

            if header.flags.cipher == .poly1305None {
                // Cleartext: the verb byte and payload are readable without keys.
                #expect(header.verb?.description == record.verb)
                #expect(header.isCompressed == record.compressed)
                #expect(Hex.encode(packet.payload) == record.payloadHex)
            }
        }
    }

    /// Splitting the reassembled packets again gives back the captured datagrams byte for byte.
    @Test func fragmenterReproducesTheCapturedDatagrams() throws {
        let datagrams = try Self.capture().datagrams.map(\.payload)
        let records = try SessionRecords.load().packets.filter { $0.reassembledFromFragments != nil }
        #expect(records.count == 4)
        for record in records {
            let packet = try Vectors.hex(record.rawHex)
            let split = try Fragmenter().split(packet)
            #expect(split.count == record.reassembledFromFragments)
            #expect(split.map(\.count) == [1432, 650])
            for piece in split { #expect(datagrams.contains(piece)) }
        }
    }

    @Test func captureCountsMatchTheREADME() throws {
        let records = try SessionRecords.load().packets
        let ciphers = Dictionary(grouping: records, by: \.cipher).mapValues(\.count)
        #expect(ciphers == ["POLY1305_NONE": 17, "SALSA2012_POLY1305": 66, "AES_GMAC_SIV": 174])
        #expect(records.filter(\.compressed).count == 31)
        // Every cleartext packet is a HELLO.
        #expect(records.filter { $0.cipher == "POLY1305_NONE" }.allSatisfy { $0.verb == "HELLO" })
    }
}
