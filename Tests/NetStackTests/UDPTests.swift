import NetStack
import Testing

extension NetStackTests {
    @Suite struct UDPTests {
        @Test(arguments: [
            (IPAddress.v4(TwoHosts.addressA4), IPAddress.v4(TwoHosts.addressB4)),
            (IPAddress.v6(TwoHosts.addressA6), IPAddress.v6(TwoHosts.addressB6)),
        ])
        func datagramsCarryTheirSource(a: IPAddress, b: IPAddress) async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let atB = Locked([UDPSocket.Datagram]())
            let atA = Locked([UDPSocket.Datagram]())
            let gotThree = Event()
            let gotReply = Event()
            let socketB = try UDPSocket(port: 4001, via: hosts.b) { datagram in
                let count = atB.withLock { $0.append(datagram); return $0.count }
                if count == 3 { gotThree.signal() }
            }
            defer { socketB.close() }
            let socketA = try UDPSocket(port: 4000, via: hosts.a) { datagram in
                atA.withLock { $0.append(datagram) }
                gotReply.signal()
            }
            defer { socketA.close() }

            for i in 1...3 { try socketA.send([UInt8](repeating: UInt8(i), count: 100 * i), to: b, port: 4001) }
            #expect(await gotThree.wait(timeout: .seconds(10)))
            let received = atB.value
            #expect(received.map(\.payload) == (1...3).map { [UInt8](repeating: UInt8($0), count: 100 * $0) })
            #expect(received.allSatisfy { $0.source == IPEndpoint(address: a, port: 4000) && $0.destination == b })

            try socketB.send(Array("pong".utf8), to: a, port: 4000)
            #expect(await gotReply.wait(timeout: .seconds(10)))
            #expect(atA.value.first?.source == IPEndpoint(address: b, port: 4001))
            #expect(atA.value.first?.payload == Array("pong".utf8))
        }

        @Test func largeDatagramIsFragmentedAndReassembled() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let payload = pattern(count: 8000)
            let got = Locked<[UInt8]?>(nil)
            let arrived = Event()
            let socketB = try UDPSocket(port: 4003, via: hosts.b) { datagram in
                got.withLock { $0 = datagram.payload }
                arrived.signal()
            }
            defer { socketB.close() }
            let socketA = try UDPSocket(via: hosts.a)
            defer { socketA.close() }
            try socketA.send(payload, to: .v4(TwoHosts.addressB4), port: 4003)
            #expect(await arrived.wait(timeout: .seconds(10)))
            #expect(got.value == payload)
        }

        @Test func sendingThroughADownInterfaceFails() throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let socket = try UDPSocket(via: hosts.a)
            defer { socket.close() }
            hosts.a.down()
            #expect(throws: NetStackError.networkUnreachable) {
                try socket.send([1], to: .v4(TwoHosts.addressB4), port: 9)
            }
            socket.close()
            #expect(throws: NetStackError.closed) { try socket.send([1], to: .v4(TwoHosts.addressB4), port: 9) }
        }
    }
}
