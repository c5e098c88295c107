import NetStack
import Testing

extension NetStackTests {
    @Suite struct TimeWaitTests {
        /// Clients that close first leave their connections in TIME-WAIT; beyond the limit the oldest go, so a
        /// busy client never runs out of ephemeral ports (lwIP alone keeps every one for 2 minutes).
        @Test func connectionsInTimeWaitStayWithinTheLimit() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let listener = try TCPConnectionTests.echoServer(on: hosts, port: 17)
            defer { listener.close() }
            Stack.setTimeWaitLimit(8)
            defer { Stack.setTimeWaitLimit(4096) }
            for _ in 0..<24 {
                let ended = Event()
                let client = try await TCPConnection.connect(
                    to: .v4(TwoHosts.addressB4), port: 17, via: hosts.a,
                    handlers: .init(receive: { event in if case .endOfStream = event { ended.signal() } }))
                try client.shutdown(.write)
                #expect(await ended.wait(timeout: .seconds(10)))
                client.close()
            }
            // The last connection's pcbs may join after the limit was last applied (at its SYN).
            let waiting = Stack.controlBlocks.tcpTimeWait
            #expect(waiting >= 1 && waiting <= 10, "\(waiting) connections in TIME-WAIT with a limit of 8")
        }
    }
}
