import Foundation
import Glibc
import Testing

/// Whatever the umask, everything a node writes in its home is its owner's alone: the secret identity, the
/// controller database, cached configs and peers, the lock and both sockets. Only the public identity and the
/// planet (which the user put there) may be readable by others.
@Suite(.serialized) struct HomePrivacyTests {
    @Test func everyFileANodeWritesIsPrivateEvenUnderAnOpenUmask() throws {
        let (world, _) = try StackTransferTests.configuredWorld(umask: "000")
        let root = world.home("root").path
        let status = try NetconProcess.run(["status", "--home", world.home("m1").path, "--json"])
        let network = try #require(try JSONDecoder().decode(WorldTests.NetworkStatusJSON.self, from: Data(status.stdout.utf8)).networks.first?.id)
        // Writes on every path: controller records, the joined networks' cached configs, the peer cache.
        #expect(try NetconProcess.run(["member", "set-ip", network, world.addresses["m1"]!, "10.6.0.77", "--home", root]).status == 0)
        #expect(try NetconProcess.run(["leave", network, "--home", world.home("m2").path]).status == 0)
        #expect(try NetconProcess.run(["join", network, "--home", world.home("m2").path, "--timeout", "20"]).status == 0)
        var exposed = [String]()
        for name in ["root", "m1", "m2"] { exposed += Self.exposedEntries(world.home(name).path) }
        #expect(exposed.isEmpty, "readable by others while running: \(exposed)")
        for name in ["m2", "m1", "root"] { #expect(try world.stop(name).status == 0) }
        for name in ["root", "m1", "m2"] { exposed += Self.exposedEntries(world.home(name).path) }
        #expect(exposed.isEmpty, "readable by others after a clean stop: \(exposed)")
    }

    static let publicFiles: Set<String> = ["identity.public", "planet"]

    /// Entries under `home` (files, sockets, directories) whose mode gives group or others any access.
    static func exposedEntries(_ home: String) -> [String] {
        var exposed = [String]()
        for relative in [""] + (FileManager.default.subpaths(atPath: home) ?? []) where !publicFiles.contains(relative) {
            var info = stat()
            let path = relative.isEmpty ? home : "\(home)/\(relative)"
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & 0o077 != 0 { exposed.append("\(relative.isEmpty ? "." : relative) \(String(info.st_mode & 0o7777, radix: 8))") }
        }
        return exposed
    }
}
