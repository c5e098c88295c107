import Foundation
import Glibc
import Synchronization
import Testing

/// The controller's database under the worst a machine does to it: kill -9 in the middle of writes, and a disk
/// that fills up. What the CLI was told is saved stays saved; no file is ever torn.
@Suite(.serialized) struct ControllerDurabilityTests {
    @Test func killedWhileWritingTheDatabaseLosesNoAcknowledgedChangeAndTearsNoFile() throws {
        let home = try TemporaryHome()
        var daemon = try Self.startController(home)
        let created = try NetconProcess.run(["network", "create", "--home", home.path, "--name", "durable", "--pool", "10.9.0.0/16"])
        try #require(created.status == 0, "\(created.stderr)")
        let network = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        let homePath = home.path
        let acknowledged = Mutex<[String]>([])
        var next = 1
        for round in 0..<4 {
            // Writers hammer the database from two CLI clients while the daemon is killed under them.
            let stop = Atomic<Bool>(false)
            let first = next
            next += 1000
            let writers = (0..<2).map { writer in
                Thread {
                    var index = first + writer
                    while !stop.load(ordering: .relaxed) {
                        let member = String(format: "%010x", 0x10_0000_0000 + index)
                        let result = try? NetconProcess.run(["member", "authorize", network, member, "--home", homePath], timeout: 20)
                        if result?.status == 0 { acknowledged.withLock { $0.append(member) } }
                        index += 2
                    }
                }
            }
            for writer in writers { writer.start() }
            usleep(UInt32(300_000 + round * 170_000))
            daemon.signal(SIGKILL)
            _ = try daemon.wait(timeout: 20)
            stop.store(true, ordering: .relaxed)
            while writers.contains(where: { !$0.isFinished }) { usleep(20_000) }

            try Self.expectWholeFiles(home.path + "/controller.d")
            daemon = try Self.startController(home)
            let listed = try NetconProcess.run(["member", "list", network, "--home", home.path, "--json"])
            try #require(listed.status == 0, "\(listed.stderr)")
            let members = try JSONDecoder().decode([MemberJSON].self, from: Data(listed.stdout.utf8))
            let saved = Set(members.filter(\.authorized).map(\.address))
            let lost = acknowledged.withLock { $0 }.filter { !saved.contains($0) }
            #expect(lost.isEmpty, "round \(round): acknowledged but lost: \(lost)")
            // What a kill left half-written is gone once the daemon is back.
            #expect(Self.files(under: home.path + "/controller.d").allSatisfy { $0.hasSuffix(".json") })
        }
        #expect(acknowledged.withLock { $0.count } > 8, "too few writes to mean anything")
        daemon.signal(SIGTERM)
        _ = try daemon.wait(timeout: 20)
    }

    /// A controller whose home is a 1 MiB tmpfs that fills up (in a user and mount namespace of its own, so the
    /// test needs no privilege): writes are refused with a clear error while the disk is full, the daemon goes on,
    /// and everything acknowledged before, during and after is there after a kill -9 and a restart.
    static let fullDisk = #"""
        set -u
        netcon=$1 planet=$2 home=$3
        mount -t tmpfs -o size=1m,mode=0700 tmpfs "$home" || { echo "cannot mount a tmpfs"; exit 90; }
        cp "$planet" "$home/planet"
        start() {
            "$netcon" run --home "$home" --port 0 >/dev/null 2>&1 &
            daemon=$!
            for _ in $(seq 100); do "$netcon" status --home "$home" >/dev/null 2>&1 && return; sleep 0.1; done
            echo "the daemon did not start"; exit 91
        }
        authorize() {
            if out=$("$netcon" member authorize "$network" "$1" --home "$home" 2>&1); then echo "ack $1"
            else echo "refused $1 (exit $?): $out"; fi
        }
        start
        network=$("$netcon" network create --home "$home" --name full --pool 10.9.0.0/24) || exit 92
        for member in 1000000001 1000000002 1000000003; do authorize $member; done
        head -c 4M /dev/zero > "$home/filler" 2>/dev/null
        echo "free $(df --output=avail -B1 "$home" | tail -1)"
        for member in 1000000004 1000000005; do authorize $member; done
        kill -0 $daemon && echo "daemon alive"
        rm "$home/filler"
        authorize 1000000006
        kill -9 $daemon; wait $daemon 2>/dev/null
        start
        echo "members $("$netcon" member list "$network" --home "$home" --json | tr -d '\n')"
        find "$home" -type f -perm /077 ! -name identity.public ! -name planet -printf 'exposed %P\n'
        find "$home" -name '*.tmp.*' -printf 'leftover %P\n'
        kill $daemon; wait $daemon 2>/dev/null
        """#

    @Test func aFullDiskRefusesWritesClearlyAndLosesNothingAlreadyWritten() throws {
        let home = try TemporaryHome(planet: nil)
        let planet = try #require(TemporaryHome.loopbackPlanet).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["--user", "--map-root-user", "--mount", "bash", "-c", Self.fullDisk, "full-disk",
                             NetconProcess.executable.path, planet, home.path]
        var environment = ProcessInfo.processInfo.environment
        environment["NETCON_FORBID_DEFAULT_PLANET"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = text.split(separator: "\n").map(String.init)

        #expect(process.terminationStatus == 0, "\(text)")
        #expect(lines.filter { $0.hasPrefix("ack 100000000") }.map { String($0.dropFirst(4)) }
                == ["1000000001", "1000000002", "1000000003", "1000000006"], "\(text)")
        let refused = lines.filter { $0.hasPrefix("refused ") }
        #expect(refused.count == 2 && refused.allSatisfy { $0.contains("(exit 74)") } && refused.allSatisfy { $0.contains("the daemon failed: ") && $0.contains("No space left on device") },
                "\(text)")
        #expect(lines.contains("daemon alive"), "\(text)")
        let listed = try #require(lines.first { $0.hasPrefix("members ") }.map { Data($0.dropFirst(8).utf8) }, "\(text)")
        let members = try JSONDecoder().decode([MemberJSON].self, from: listed)
        #expect(Set(members.filter(\.authorized).map(\.address)) == ["1000000001", "1000000002", "1000000003", "1000000006"])
        #expect(!lines.contains { $0.hasPrefix("exposed ") || $0.hasPrefix("leftover ") }, "\(text)")
    }

    struct MemberJSON: Decodable {
        var address: String
        var authorized: Bool
    }

    static func startController(_ home: TemporaryHome) throws -> NetconProcess.Running {
        let daemon = try NetconProcess.start(["run", "--home", home.path, "--port", "0"])
        try home.waitForDaemon(daemon)
        return daemon
    }

    static func files(under directory: String) -> [String] {
        guard let names = FileManager.default.subpaths(atPath: directory) else { return [] }
        return names.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(directory)/\($0)", isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    /// Every record is whole JSON, and private to its owner.
    static func expectWholeFiles(_ directory: String) throws {
        for name in files(under: directory) where name.hasSuffix(".json") {
            let path = "\(directory)/\(name)"
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "torn record \(name): \(data.count) bytes")
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_mode & 0o077 == 0, "\(name) is readable by others")
        }
    }
}
