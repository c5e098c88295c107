import CLwIP
import Glibc
import NetStack
import Testing

extension NetStackTests {
    /// netcon's tcp_next_iss (CLwIP/tcp_isn.c) replaces lwIP's predictable counter for every connection.
    @Suite struct SequenceNumberTests {
        @Test func sipHashMatchesTheReferenceVector() {
            // SipHash-2-4 paper, appendix A: key 00…0f, message 00…0e.
            let key = [UInt8](0..<16)
            let message = [UInt8](0..<15)
            #expect(netcon_siphash24(key, message, message.count) == 0xa129_ca61_49be_45e5)
            #expect(netcon_siphash24(key, [], 0) == 0x726f_db47_dd0e_0e31)
        }

        @Test func isTheOneLwIPsCallsResolveTo() throws {
            let global = try #require(dlsym(nil, "tcp_next_iss"))
            let ours: @convention(c) (UnsafeMutablePointer<tcp_pcb>?) -> UInt32 = tcp_next_iss
            #expect(global == unsafeBitCast(ours, to: UnsafeMutableRawPointer.self))
        }

        @Test func connectionsStartFarApartAndUnpredictably() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let listener = try TCPListener(port: 9100, via: hosts.b) { $0.close() }
            defer { listener.close() }
            var starts: [UInt32] = []
            for _ in 0..<4 {
                let connection = try await TCPConnection.connect(to: .v4(TwoHosts.addressB4), port: 9100, via: hosts.a,
                                                                 handlers: .init(receive: { _ in }))
                starts.append(connection.initialSequenceNumber)
                connection.close()
            }
            // lwIP's own counter gave 6510 + ticks: neighbours a few units apart.
            for (first, second) in zip(starts, starts.dropFirst()) {
                let gap = second &- first
                #expect(gap > 1 << 16 && gap < UInt32.max - 1 << 16, "\(starts)")
            }
        }
    }
}
