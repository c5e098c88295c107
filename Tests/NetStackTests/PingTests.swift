import NetStack
import Testing

extension NetStackTests {
    @Suite struct PingTests {
        @Test func pingIPv4BothWays() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let there = try await Ping.echo(to: .v4(TwoHosts.addressB4), via: hosts.a)
            let back = try await Ping.echo(to: .v4(TwoHosts.addressA4), via: hosts.b)
            print("ping v4: a→b \(there), b→a \(back)")
        }

        @Test func pingIPv6BothWays() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let there = try await Ping.echo(to: .v6(TwoHosts.addressB6), via: hosts.a)
            let back = try await Ping.echo(to: .v6(TwoHosts.addressA6), via: hosts.b)
            print("ping v6: a→b \(there), b→a \(back)")
        }

        @Test func pingToAnAbsentAddressTimesOut() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            await #expect(throws: NetStackError.timedOut) {
                try await Ping.echo(to: .v4(IPv4Address(10, 1, 0, 99)), via: hosts.a, timeout: .milliseconds(300))
            }
        }
    }
}
