import Dispatch
import NetStack
import Testing

extension NetStackTests {
    @Suite struct NetworkInterfaceTests {
        @Test func multicastGroupsFollowAddresses() throws {
            let interface = try NetworkInterface(mac: MACAddress("02:00:00:00:00:0c")!)
            defer { interface.close() }
            let changes = Locked([NetworkInterface.MulticastChange]())
            interface.onMulticastChange = { change in changes.withLock { $0.append(change) } }

            // Replayed at once: IGMP all-hosts, MLD all-nodes, the link-local address's solicited-node group.
            let initial: Set<MACAddress> = [
                MACAddress("01:00:5e:00:00:01")!, MACAddress("33:33:00:00:00:01")!, MACAddress("33:33:ff:00:00:0c")!,
            ]
            #expect(Set(changes.value) == Set(initial.map { .joined($0) }))
            #expect(interface.multicastSubscriptions == initial)

            let address = IPv6Address("fd00::1:2:3")!
            try interface.addIPv6(address: address, prefixLength: 88)
            #expect(changes.value.last == .joined(MACAddress("33:33:ff:02:00:03")!))
            #expect(interface.ipv6.contains(.init(address: address, prefixLength: 88)))
            try interface.removeIPv6(address: address)
            #expect(changes.value.last == .left(MACAddress("33:33:ff:02:00:03")!))
            #expect(interface.multicastSubscriptions == initial)
            #expect(throws: NetStackError.invalidArgument) { try interface.removeIPv6(address: address) }

            let before = changes.value.count
            interface.close()
            #expect(changes.value.count == before, "no callback after close")
        }

        @Test func macChangeMovesTheLinkLocalAddress() throws {
            let interface = try NetworkInterface(mac: MACAddress("02:00:00:00:00:0c")!)
            defer { interface.close() }
            #expect(interface.ipv6.first?.address == IPv6Address("fe80::ff:fe00:c"))
            interface.setMAC(MACAddress("02:00:00:00:00:0d")!)
            #expect(interface.mac == MACAddress("02:00:00:00:00:0d"))
            #expect(interface.ipv6.first?.address == IPv6Address("fe80::ff:fe00:d"))
            #expect(interface.multicastSubscriptions.contains(MACAddress("33:33:ff:00:00:0d")!))
            #expect(!interface.multicastSubscriptions.contains(MACAddress("33:33:ff:00:00:0c")!))
        }

        @Test func ipv6AddressSlotsRunOut() throws {
            let interface = try NetworkInterface(mac: MACAddress("02:00:00:00:00:0c")!)
            defer { interface.close() }
            let slots = Stack.limits.ipv6AddressesPerInterface - 1  // slot 0: link-local
            for i in 1...slots { try interface.addIPv6(address: IPv6Address(high: 0xfd00 << 48, low: UInt64(i)), prefixLength: 64) }
            #expect(throws: NetStackError.addressTableFull) {
                try interface.addIPv6(address: IPv6Address(high: 0xfd00 << 48, low: 99), prefixLength: 64)
            }
            #expect(interface.ipv6.count == slots + 1)
        }

        @Test func ipv4Configuration() throws {
            let interface = try NetworkInterface(mac: MACAddress("02:00:00:00:00:0c")!)
            defer { interface.close() }
            #expect(interface.ipv4 == nil)
            try interface.setIPv4(address: IPv4Address(10, 2, 0, 5), prefixLength: 16, gateway: IPv4Address(10, 2, 0, 1))
            #expect(interface.ipv4 == .init(address: IPv4Address(10, 2, 0, 5), prefixLength: 16, gateway: IPv4Address(10, 2, 0, 1)))
            #expect(throws: NetStackError.invalidArgument) { try interface.setIPv4(address: .any, prefixLength: 8) }
            interface.removeIPv4()
            #expect(interface.ipv4 == nil)
            #expect(!interface.isUp && interface.isLinkUp)
            interface.up()
            interface.setDefault(true)
            #expect(interface.isUp && interface.isDefault)
            interface.close()
            #expect(!interface.isDefault && interface.isClosed)
            #expect(throws: NetStackError.closed) { try interface.setIPv4(address: IPv4Address(10, 2, 0, 5), prefixLength: 16) }
        }

        /// lwIP would accept (and answer) a packet for any of its interfaces' addresses on any interface, and
        /// forward the rest; the input filter keeps each interface to its own addresses.
        @Test func unicastForAnotherInterfaceIsDropped() async throws {
            let b = try NetworkInterface(mac: MACAddress("02:00:00:00:00:0b")!)
            let c = try NetworkInterface(mac: MACAddress("02:00:00:00:00:0c")!)
            defer {
                b.close()
                c.close()
            }
            try b.setIPv4(address: IPv4Address(10, 1, 0, 2), prefixLength: 24)
            try c.setIPv4(address: IPv4Address(10, 9, 0, 3), prefixLength: 24)
            b.up()
            c.up()
            let outOfB = Locked([[UInt8]]())
            let outOfC = Locked([[UInt8]]())
            b.onOutput = { frame in outOfB.withLock { $0.append(frame) } }
            c.onOutput = { frame in outOfC.withLock { $0.append(frame) } }
            let answered = { (frames: [[UInt8]]) in
                // An echo reply to 10.1.0.1, or the ARP request B needs before it can send one.
                frames.contains { f in
                    (f[12] == 0x08 && f[13] == 0x00 && f[23] == 1 && f[34] == 0)
                        || (f[12] == 0x08 && f[13] == 0x06 && Array(f[38..<42]) == [10, 1, 0, 1])
                }
            }

            try b.input(frame: echoRequestFrame(to: MACAddress("02:00:00:00:00:0b")!, ip: IPv4Address(10, 9, 0, 3)))
            try await Task.sleep(for: .milliseconds(200))
            #expect(!answered(outOfB.value) && !answered(outOfC.value), "B must not answer for C's address")

            // The same packet for B's own address is answered: the frame itself is fine.
            try b.input(frame: echoRequestFrame(to: MACAddress("02:00:00:00:00:0b")!, ip: IPv4Address(10, 1, 0, 2)))
            try await Task.sleep(for: .milliseconds(200))
            #expect(answered(outOfB.value))
        }

        /// Data and FIN that arrive before an accepted connection has handlers wait for `setHandlers`.
        @Test func lateHandlersGetWhatArrivedMeanwhile() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let accepted = Locked<TCPConnection?>(nil)
            let listener = try TCPListener(port: 5010, via: hosts.b) { connection in
                accepted.withLock { $0 = connection }
            }
            defer { listener.close() }
            let client = try await TCPConnection.connect(
                to: .v4(TwoHosts.addressB4), port: 5010, via: hosts.a, handlers: .init(receive: { _ in }))
            defer { client.close() }
            _ = try client.send(Array("early".utf8))
            try client.shutdown(.write)
            try await Task.sleep(for: .milliseconds(100))

            let server = try #require(accepted.value)
            let events = Locked([TCPConnection.Received]())
            server.setHandlers(.init(receive: { event in events.withLock { $0.append(event) } }))
            #expect(events.value == [.data(Array("early".utf8)), .endOfStream])
            server.close()
        }

        /// Interfaces closed while frames are still queued for them (in the wire and in lwIP's mailbox).
        @Test func closingUnderTrafficIsSafe() async throws {
            for round in 0..<30 {
                let hosts = try TwoHosts()
                let socket = try UDPSocket(port: 4100, via: hosts.b)
                let sender = try UDPSocket(via: hosts.a)
                for _ in 0..<20 { try? sender.send(pattern(count: 1200), to: .v4(TwoHosts.addressB4), port: 4100) }
                try? Ping.send(to: .v6(TwoHosts.addressB6), via: hosts.a) { _ in }
                if round % 2 == 0 { try await Task.sleep(for: .microseconds(200)) }
                hosts.close()
                sender.close()
                socket.close()
            }
            // The stack still works afterwards.
            let hosts = try TwoHosts()
            defer { hosts.close() }
            _ = try await Ping.echo(to: .v4(TwoHosts.addressB4), via: hosts.a)
        }
    }
}

/// An Ethernet frame carrying an ICMP echo request from 10.1.0.1 (02:00:00:00:00:0a) to `ip`.
func echoRequestFrame(to mac: MACAddress, ip: IPv4Address) -> [UInt8] {
    var icmp: [UInt8] = [8, 0, 0, 0, 0x12, 0x34, 0, 1] + Array(repeating: 0x61, count: 16)
    let icmpSum = checksum(icmp)
    icmp[2] = UInt8(icmpSum >> 8)
    icmp[3] = UInt8(icmpSum & 0xff)
    var ipHeader: [UInt8] = [0x45, 0, 0, UInt8(20 + icmp.count), 0, 1, 0, 0, 64, 1, 0, 0, 10, 1, 0, 1] + ip.bytes
    let ipSum = checksum(ipHeader)
    ipHeader[10] = UInt8(ipSum >> 8)
    ipHeader[11] = UInt8(ipSum & 0xff)
    return mac.bytes + MACAddress("02:00:00:00:00:0a")!.bytes + [0x08, 0x00] + ipHeader + icmp
}

private func checksum(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    for i in stride(from: 0, to: bytes.count, by: 2) {
        sum += UInt32(bytes[i]) << 8 | (i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0)
    }
    while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
    return ~UInt16(sum)
}
