import NetStack
import Testing

extension NetStackTests {
    @Suite struct TCPConnectionTests {
        /// An echo server on B: sends back what it gets, closes after the client's FIN.
        static func echoServer(on hosts: TwoHosts, port: UInt16) throws -> TCPListener {
            try TCPListener(port: port, via: hosts.b) { connection in
                connection.setHandlers(.init(receive: { event in
                    switch event {
                    case .data(let bytes):
                        _ = try? connection.send(bytes)  // small: fits the send buffer
                        connection.acknowledge(bytes.count)
                    case .endOfStream:
                        connection.close()
                    }
                }))
            }
        }

        @Test(arguments: [IPAddress.v4(TwoHosts.addressB4), .v6(TwoHosts.addressB6)])
        func echoAndOrderlyClose(server: IPAddress) async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let listener = try Self.echoServer(on: hosts, port: 7)
            defer { listener.close() }

            let received = Locked([UInt8]())
            let ended = Event()
            let client = try await TCPConnection.connect(
                to: server, port: 7, via: hosts.a,
                handlers: .init(receive: { event in
                    switch event {
                    case .data(let bytes): received.withLock { $0 += bytes }
                    case .endOfStream: ended.signal()
                    }
                }))
            #expect(client.isEstablished)
            #expect(client.remoteEndpoint == IPEndpoint(address: server, port: 7))
            let message = Array("hello over lwIP".utf8)
            #expect(try client.send(message) == message.count)
            try client.shutdown(.write)
            #expect(throws: NetStackError.closed) { try client.send(message) }
            #expect(await ended.wait(timeout: .seconds(10)))
            #expect(received.value == message)
            client.acknowledge(message.count)
            client.close()
        }

        @Test(arguments: [IPAddress.v4(TwoHosts.addressB4), .v6(TwoHosts.addressB6)])
        func closedPortRefuses(server: IPAddress) async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            await #expect(throws: NetStackError.connectionRefused) {
                try await TCPConnection.connect(to: server, port: 5999, via: hosts.a, handlers: .init(receive: { _ in }))
            }
        }

        @Test func abortResetsThePeer() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let listener = try TCPListener(port: 5003, via: hosts.b) { connection in
                connection.setHandlers(.init(receive: { _ in connection.abort() }))
            }
            defer { listener.close() }
            let closedWith = Locked<NetStackError?>(nil)
            let closed = Event()
            let client = try await TCPConnection.connect(
                to: .v4(TwoHosts.addressB4), port: 5003, via: hosts.a,
                handlers: .init(receive: { _ in }, closed: { error in
                    closedWith.withLock { $0 = error }
                    closed.signal()
                }))
            _ = try client.send([1, 2, 3])
            #expect(await closed.wait(timeout: .seconds(10)))
            #expect(closedWith.value == .connectionReset)
            #expect(throws: NetStackError.connectionReset) { try client.send([4]) }
        }

        @Test func downInterfaceMakesConnectsFail() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let listener = try Self.echoServer(on: hosts, port: 5004)
            defer { listener.close() }

            // Our side down: nothing can leave, the connect fails at once.
            hosts.a.down()
            #expect(throws: NetStackError.networkUnreachable) {
                try TCPConnection.connect(
                    to: .v4(TwoHosts.addressB4), port: 5004, via: hosts.a, handlers: .init(receive: { _ in }),
                    completion: { _ in })
            }
            hosts.a.up()

            // The peer's side down: SYNs go unanswered until the timeout.
            hosts.b.down()
            await #expect(throws: NetStackError.timedOut) {
                try await TCPConnection.connect(
                    to: .v4(TwoHosts.addressB4), port: 5004, via: hosts.a, timeout: .milliseconds(500),
                    handlers: .init(receive: { _ in }))
            }

            // Link down counts as down.
            hosts.b.up()
            hosts.a.setLinkUp(false)
            #expect(throws: NetStackError.networkUnreachable) {
                try TCPConnection.connect(
                    to: .v6(TwoHosts.addressB6), port: 5004, via: hosts.a, handlers: .init(receive: { _ in }),
                    completion: { _ in })
            }

            // Both back: it connects.
            hosts.a.setLinkUp(true)
            let client = try await TCPConnection.connect(
                to: .v4(TwoHosts.addressB4), port: 5004, via: hosts.a, timeout: .seconds(5),
                handlers: .init(receive: { _ in }))
            client.close()
        }

        /// Closing an interface aborts its connections; their RSTs make lwIP look for a neighbor (ARP, ND)
        /// through the interface being removed, and those entries must not outlive it: the ARP and ND timers
        /// (1 s) would use the freed netif — also when it was down already (then lwIP cleans nothing itself).
        @Test(arguments: [IPAddress.v4(TwoHosts.addressB4), .v6(TwoHosts.addressB6)], [false, true])
        func closingTheInterfaceAbortsItsConnections(server: IPAddress, downFirst: Bool) async throws {
            try await {
                let hosts = try TwoHosts()
                defer { hosts.close() }
                let listener = try Self.echoServer(on: hosts, port: 5005)
                defer { listener.close() }
                let closedWith = Locked<NetStackError?>(nil)
                let closed = Event()
                let client = try await TCPConnection.connect(
                    to: server, port: 5005, via: hosts.a,
                    handlers: .init(receive: { _ in }, closed: { error in
                        closedWith.withLock { $0 = error }
                        closed.signal()
                    }))
                if downFirst { hosts.a.down() }
                hosts.a.close()
                #expect(await closed.wait(timeout: .seconds(5)))
                #expect(closedWith.value == .connectionAborted)
                #expect(!client.isEstablished)
                #expect(throws: NetStackError.closed) { try hosts.a.input(frame: [UInt8](repeating: 0, count: 60)) }
            }()
            // Both interfaces are gone (and their memory poisoned); let the neighbor timers run.
            try await Task.sleep(for: .milliseconds(1500))
            let hosts = try TwoHosts()
            defer { hosts.close() }
            _ = try await Ping.echo(to: server, via: hosts.a)
        }

        /// Closing the interface from a handler of one of its own connections: lwIP is processing that
        /// connection, so the removal waits until lwIP is done with it.
        @Test func closingTheInterfaceFromItsOwnConnectionsHandler() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let serverClosed = Event()
            let listener = try TCPListener(port: 5007, via: hosts.b) { connection in
                connection.setHandlers(.init(
                    receive: { _ in hosts.b.close() },
                    closed: { _ in serverClosed.signal() }))
            }
            defer { listener.close() }
            let client = try await TCPConnection.connect(
                to: .v4(TwoHosts.addressB4), port: 5007, via: hosts.a, handlers: .init(receive: { _ in }))
            defer { client.close() }
            _ = try client.send([1])
            #expect(await serverClosed.wait(timeout: .seconds(5)))
            #expect(hosts.b.isClosed)
            await #expect(throws: NetStackError.timedOut) {
                try await Ping.echo(to: .v4(TwoHosts.addressB4), via: hosts.a, timeout: .milliseconds(300))
            }
        }

        @Test func listenerPortInUse() throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let first = try TCPListener(address: .v4(TwoHosts.addressB4), port: 5006, via: hosts.b) { $0.abort() }
            defer { first.close() }
            #expect(throws: NetStackError.addressInUse) {
                try TCPListener(address: .v4(TwoHosts.addressB4), port: 5006, via: hosts.b) { $0.abort() }
            }
        }
    }
}
