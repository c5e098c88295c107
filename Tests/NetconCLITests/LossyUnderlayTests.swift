import CNetconSys
import Foundation
import Glibc
import NetconRPC
import Synchronization
import Testing

/// TCP between two daemons whose received datagrams meet the test underlay's faults (NETCON_TEST_UNDERLAY_FAULTS):
/// lost, duplicated, reordered and corrupted datagrams cost time, never bytes. How fast is `make bench`'s business.
@Suite(.serialized) struct LossyUnderlayTests {
    static let faults = "loss=0.05,duplicate=0.02,reorder=0.1,corrupt=0.01,delay-ms=2,seed=11"

    @Test func tcpStaysByteExactBothWaysAtOnceOverLossDuplicationReorderingAndCorruption() throws {
        // One stream each way, at the same time.
        let world = try Self.streamsBothWays(faults: Self.faults, streamsEachWay: 1, bytes: 4 << 20, firstPort: 7100)

        // Corrupted datagrams never authenticate: counted as dropped, never delivered.
        let dropped = try world.status("m2").traffic?.dropped ?? [:]
        #expect((dropped["authenticationFailed"] ?? 0) + (dropped["malformed"] ?? 0) + (dropped["fragmentRejected"] ?? 0) > 0)
    }

    /// The full size: 64 MiB on each of four streams, two each way, all at once, over 5 % loss, 2 %
    /// duplication and 10 % reordering (and 1 % corruption): every stream byte-exact.
    @Test func sixtyFourMebibytesOnFourStreamsBothWaysOverFivePercentLoss() throws {
        try Self.streamsBothWays(faults: Self.faults, streamsEachWay: 2, bytes: 64 << 20, firstPort: 7130)
    }

    /// Two streams each way at once over a path that jitters and goes down for a quarter of every 3 s (a path
    /// flapping), on top of loss and duplication: every stream byte-exact.
    @Test func severalStreamsBothWaysStayByteExactOverAFlappingJitteryPath() throws {
        try Self.streamsBothWays(faults: "loss=0.03,duplicate=0.02,jitter-ms=3,outage=0.25,outage-period-ms=3000,seed=5",
                                 streamsEachWay: 2, bytes: 4 << 20, firstPort: 7110)
    }

    /// `streamsEachWay` streams m1 → m2 and as many m2 → m1, each moving `bytes` of the pattern, all at once over
    /// the members' `faults`; every one must arrive whole and unchanged. Returns the world, still running.
    @discardableResult
    static func streamsBothWays(faults: String, streamsEachWay: Int, bytes total: Int, firstPort: UInt16) throws -> WorldTests.World {
        let (world, addresses) = try StackTransferTests.configuredWorld(memberEnvironment: ["NETCON_TEST_UNDERLAY_FAULTS": faults])
        let m1 = RPCClient(path: world.home("m1").path + "/rpc.sock")
        let m2 = RPCClient(path: world.home("m2").path + "/rpc.sock")
        let m1v4 = try #require(addresses["m1"]?.first { $0.contains(".") })
        let m2v4 = try #require(addresses["m2"]?.first { $0.contains(".") })
        var streams = [(listener: CInt, client: CInt, accepted: CInt)]()
        for index in 0..<streamsEachWay {
            streams.append(try stream(from: m1, to: m2, at: m2v4, port: firstPort + UInt16(index)))
            streams.append(try stream(from: m2, to: m1, at: m1v4, port: firstPort + 10 + UInt16(index)))
        }
        defer { for stream in streams { close(stream.listener); close(stream.client); close(stream.accepted) } }
        let writers = streams.map { stream in Thread { StackTransferTests.writePattern(stream.client, total: total) } }
        let results = Mutex([(received: Int, mismatches: Int)?](repeating: nil, count: streams.count))
        let readers = streams.enumerated().map { index, stream in
            Thread {
                let result = StackTransferTests.readPattern(stream.accepted)
                results.withLock { $0[index] = result }
            }
        }
        for thread in writers + readers { thread.start() }
        let deadline = Date().addingTimeInterval(600)
        while readers.contains(where: { !$0.isFinished }) && Date() < deadline { usleep(20_000) }
        for (index, result) in results.withLock({ $0 }).enumerated() {
            #expect(result?.received == total && result?.mismatches == 0, "stream \(index): \(String(describing: result))")
        }
        return world
    }

    /// UDP over the same faults: no more datagrams go missing than the underlay loses (5 %, one faulty receive on
    /// the way), and none arrives changed: a corrupted datagram fails authentication and is dropped.
    @Test func udpLosesNoMoreThanTheUnderlayAndNeverDeliversACorruptedDatagram() throws {
        let (world, addresses) = try StackTransferTests.configuredWorld(memberEnvironment: [
            "NETCON_TEST_UNDERLAY_FAULTS": Self.faults,
        ])
        let m1 = RPCClient(path: world.home("m1").path + "/rpc.sock")
        let m2 = RPCClient(path: world.home("m2").path + "/rpc.sock")
        let m2v4 = try #require(addresses["m2"]?.first { $0.contains(".") })
        let server = try #require(try m2.call(.udpBind(local: RPCEndpoint(address: nil, port: 7200), domain: .inet, v6Only: false)).descriptor)
        let client = try #require(try m1.call(.udpBind(local: RPCEndpoint(address: nil, port: 0), domain: .inet, v6Only: false)).descriptor)
        defer { close(server); close(client) }
        setReceiveTimeout(server, seconds: 3)
        let destination = RPCDatagramHeader(peer: RPCEndpoint(address: RPCAddress(text: m2v4), port: 7200)).bytes

        // Until one arrives (ARP may cost the first few), then a counted run at a pace the path carries.
        var incoming = [UInt8](repeating: 0, count: 2048)
        var warmed = false
        for _ in 0..<20 where !warmed {
            let probe = destination + [0xff]
            _ = send(client, probe, probe.count, 0)
            warmed = recv(server, &incoming, incoming.count, 0) > RPCDatagramHeader.size
        }
        try #require(warmed, "no datagram got through")
        let count = 2000
        let sender = Thread {
            for sequence in 0..<count {
                let payload = (0..<200).map { UInt8(truncatingIfNeeded: sequence &* 31 &+ $0) } + [UInt8(sequence >> 8), UInt8(sequence & 0xff)]
                let datagram = destination + payload
                _ = send(client, datagram, datagram.count, 0)
                usleep(1_000)
            }
        }
        sender.start()
        var seen = Set<Int>(), changed = 0
        while true {
            let size = recv(server, &incoming, incoming.count, 0)
            if size <= 0 { break }
            let payload = Array(incoming[RPCDatagramHeader.size..<size])
            guard payload.count == 202 else {
                if payload != [0xff] { changed += 1 }
                continue
            }
            let sequence = Int(payload[200]) << 8 | Int(payload[201])
            if payload[0..<200] != ArraySlice((0..<200).map { UInt8(truncatingIfNeeded: sequence &* 31 &+ $0) }) { changed += 1 }
            seen.insert(sequence)
        }
        while !sender.isFinished { usleep(10_000) }
        let lost = Double(count - seen.count) / Double(count)
        #expect(changed == 0, "\(changed) datagrams arrived changed")
        // 5 % lost on the way, ±3 σ for 2000 datagrams: at most 7.5 %.
        #expect(lost <= 0.075, "lost \(lost * 100) % of the datagrams over an underlay that loses 5 %")
    }

    @Test func aMalformedFaultSpecificationIsAUsageError() throws {
        let world = try WorldTests.World(members: ["m1"])
        let result = try NetconProcess.run(["run", "--home", world.home("m1").path, "--port", "0"],
                                           environment: ["NETCON_TEST_UNDERLAY_FAULTS": "loss=2"], timeout: 20)
        #expect(result.status == 64)
        #expect(result.stderr.contains("NETCON_TEST_UNDERLAY_FAULTS"))
        #expect(result.stderr.contains("out of range"))
    }

    static func stream(from client: RPCClient, to server: RPCClient, at address: String, port: UInt16) throws
        -> (listener: CInt, client: CInt, accepted: CInt) {
        let listen = try server.call(.tcpListen(local: RPCEndpoint(address: nil, port: port), domain: .inet, backlog: 4,
                                                listenHost: false, v6Only: false))
        let listener = try #require(listen.descriptor)
        setReceiveTimeout(listener, seconds: 30)
        let connect = try client.call(.tcpConnect(remote: RPCEndpoint(address: RPCAddress(text: address), port: port),
                                                  domain: .inet, options: .init()))
        let connected = try #require(connect.descriptor)
        var header = [UInt8](repeating: 0, count: 256)
        var accepted: CInt = -1
        #expect(netcon_receive_descriptor(listener, &header, header.count, &accepted) > 0 && accepted >= 0)
        setReceiveTimeout(accepted, seconds: 60)
        return (listener, connected, accepted)
    }
}
