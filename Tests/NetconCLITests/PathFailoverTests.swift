import CNetconSys
import Foundation
import Glibc
import NetconRPC
import Synchronization
import Testing

/// Paths that die under a running TCP stream (NETCON_TEST_UNDERLAY_BLOCKED drops the members' datagrams to each
/// other): the stream moves to a root's relay and back to the direct path when it returns, and a root that dies
/// is replaced by the planet's other root. Not a byte is lost or changed.
@Suite(.serialized) struct PathFailoverTests {
    @Test func aDeadDirectPathMovesToTheRootRelayAndBackWithoutLosingAByte() throws {
        let (scratch, blocked) = try Self.blockedFile()
        defer { withExtendedLifetime(scratch) {} }
        let (world, addresses) = try StackTransferTests.configuredWorld(memberEnvironment: [
            "NETCON_TEST_UNDERLAY_BLOCKED": blocked,
        ])
        let stream = try TrickleStream(world: world, to: try #require(addresses["m2"]?.first { $0.contains(".") }), port: 7500)
        try Self.waitForDirectPath(world)

        let relayedBefore = try Self.relayed(world, "root")
        try Self.block(world, in: blocked)
        // Within the path activity window the direct path is given up and the stream goes through the root.
        try world.waitUntil("m1 to give up the dead direct path", timeout: 40) { try Self.preferredPath(world) == nil }
        try world.waitUntil("the root to relay the stream", timeout: 20) { try Self.relayed(world, "root") > relayedBefore + 100 }
        try stream.expectProgress(world, "through the relay")

        try FileManager.default.removeItem(atPath: blocked)
        try world.waitUntil("the direct path to come back", timeout: 30) { try Self.preferredPath(world) != nil }
        try Self.expectRelayingStops(world, "root")
        try stream.expectProgress(world, "on the direct path again")
        try stream.finish()
    }

    @Test func aRootThatDiesIsReplacedByTheOtherRootWithoutDroppingTheStream() throws {
        let (scratch, blocked) = try Self.blockedFile()
        defer { withExtendedLifetime(scratch) {} }
        let (world, addresses) = try StackTransferTests.configuredWorld(
            memberEnvironment: ["NETCON_TEST_UNDERLAY_BLOCKED": blocked], twoRoots: true, controller: "root2")
        let stream = try TrickleStream(world: world, to: try #require(addresses["m2"]?.first { $0.contains(".") }), port: 7510)
        try Self.waitForDirectPath(world)

        try world.kill("root")
        let relayedBefore = try Self.relayed(world, "root2")
        try Self.block(world, in: blocked)
        // The members can only meet through the surviving root now.
        try world.waitUntil("the second root to relay the stream", timeout: 60) { try Self.relayed(world, "root2") > relayedBefore + 100 }
        try stream.expectProgress(world, "through the second root")
        #expect(try world.status("m1").online && world.status("m2").online, "members went offline with one root left")
        #expect(try world.ping(from: "m1", to: "m2").status == 0)

        try FileManager.default.removeItem(atPath: blocked)
        try world.waitUntil("the direct path to come back", timeout: 30) { try Self.preferredPath(world) != nil }
        try stream.finish()
    }

    // MARK: - Helpers

    /// Where the blocked endpoints go (no file: nothing blocked), in a directory the test keeps.
    static func blockedFile() throws -> (directory: TemporaryHome, path: String) {
        let directory = try TemporaryHome(planet: nil)
        return (directory, directory.path + "/blocked")
    }

    /// Both members drop what comes from the other's UDP endpoint: their direct path is dead both ways.
    static func block(_ world: WorldTests.World, in file: String) throws {
        let ports = try ["m1", "m2"].map { try #require(try world.status($0).port) }
        try Data(ports.map { "127.0.0.1/\($0)\n" }.joined().utf8).write(to: URL(fileURLWithPath: file))
    }

    /// m1's preferred (active, direct) path to m2, nil while it has none.
    static func preferredPath(_ world: WorldTests.World) throws -> String? {
        let peer = try world.status("m1").peers.first { $0.address == world.addresses["m2"] }
        return peer?.paths.first { $0.preferred && $0.active }?.endpoint
    }

    static func waitForDirectPath(_ world: WorldTests.World) throws {
        try world.waitUntil("a direct path between the members", timeout: 30) { try preferredPath(world) != nil }
    }

    static func relayed(_ world: WorldTests.World, _ root: String) throws -> Int {
        try world.status(root).traffic?.packetsRelayed ?? 0
    }

    /// The root's relay count stops growing (the members talk directly again).
    static func expectRelayingStops(_ world: WorldTests.World, _ root: String) throws {
        try world.waitUntil("the root to stop relaying", timeout: 30) {
            let before = try relayed(world, root)
            usleep(1_500_000)
            // A HELLO or two may still go through it; the stream's packets do not.
            return try relayed(world, root) - before < 20
        }
    }
}

/// A TCP connection from m1 to m2 (through the RPC sockets, as programs' connections are) carrying the pattern at
/// a steady pace, checked byte for byte on arrival.
final class TrickleStream: @unchecked Sendable {
    let listener: CInt
    let client: CInt
    let accepted: CInt
    private let stop = Atomic<Bool>(false)
    private let sent = Atomic<Int>(0)
    private let progress = Mutex((received: 0, mismatches: 0))
    private var writer: Thread!
    private var reader: Thread!

    init(world: WorldTests.World, to address: String, port: UInt16) throws {
        let m1 = RPCClient(path: world.home("m1").path + "/rpc.sock")
        let m2 = RPCClient(path: world.home("m2").path + "/rpc.sock")
        (listener, client, accepted) = try LossyUnderlayTests.stream(from: m1, to: m2, at: address, port: port)
        // Writes block while the path is dead; the reader waits as long as a failover takes.
        setReceiveTimeout(accepted, seconds: 120)
        writer = Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 8192)
            var offset = 0
            while !stop.load(ordering: .relaxed) {
                for index in chunk.indices { chunk[index] = StackTransferTests.pattern(offset + index) }
                guard writeAll(client, chunk) else { break }
                offset += chunk.count
                sent.store(offset, ordering: .relaxed)
                usleep(20_000)
            }
            shutdown(client, CInt(SHUT_WR))
        }
        reader = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var received = 0
            while true {
                let count = read(accepted, &buffer, buffer.count)
                if count <= 0 { break }
                var mismatches = 0
                for index in 0..<count where buffer[index] != StackTransferTests.pattern(received + index) { mismatches += 1 }
                received += count
                progress.withLock { $0.received = received; $0.mismatches += mismatches }
            }
        }
        writer.start()
        reader.start()
    }

    /// New bytes arrive within a few seconds.
    func expectProgress(_ world: WorldTests.World, _ when: String) throws {
        let before = progress.withLock { $0.received }
        try world.waitUntil("the stream to move \(when)", timeout: 20) { progress.withLock { $0.received } > before + 32_768 }
    }

    /// Stops writing and checks that every byte written arrived unchanged.
    func finish() throws {
        stop.store(true, ordering: .relaxed)
        let deadline = Date().addingTimeInterval(60)
        while (!writer.isFinished || !reader.isFinished) && Date() < deadline { usleep(20_000) }
        let result = progress.withLock { $0 }
        #expect(writer.isFinished && reader.isFinished, "the stream did not end")
        #expect(result.received == sent.load(ordering: .relaxed) && result.mismatches == 0,
                "sent \(sent.load(ordering: .relaxed)), received \(result.received), \(result.mismatches) bytes changed")
        for fd in [listener, client, accepted] { close(fd) }
    }
}
