import Foundation
import Testing

@Suite struct PlanetCommandTests {
    @Test func createReproducesTheRealMkworldPlanetByteForByte() throws {
        let home = try TemporaryHome()
        let vectors = Vectors.directory
        // Same root, endpoint, world ID, timestamp and signing key as the vectors' planet; it is only
        // written to a file, never contacted.
        let result = try NetconProcess.run([
            "planet", "create",
            "--root", vectors.appendingPathComponent("world/root.public").path + "@10.77.1.1/9993",
            "-o", home.path + "/planet", "--id", "121381604061038", "--timestamp", "1764377000000",
            "--signing-key", vectors.appendingPathComponent("planet/current.c25519").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let made = try Data(contentsOf: URL(fileURLWithPath: home.path + "/planet"))
        let real = try Data(contentsOf: vectors.appendingPathComponent("planet/planet"))
        #expect(made == real)
    }

    @Test func createFromANodeHomeMakesAKeyAndAPlanetNodesAccept() throws {
        let home = try TemporaryHome()
        try home.installIdentity("id1")
        let output = home.path + "/made.planet"
        let result = try NetconProcess.run(["planet", "create", "--root", home.path + "@127.0.0.1/9993,::1/9993", "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("root 099fc4e1a0 at 127.0.0.1/9993, ::1/9993"))
        let keyMode = try FileManager.default.attributesOfItem(atPath: output + ".signing-key")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        let show = try NetconProcess.run(["planet", "show", output])
        #expect(show.status == 0)
        #expect(show.stdout.contains("signature valid"))
        #expect(show.stdout.contains("099fc4e1a0"))
    }

    @Test func badRootsAreClearErrors() throws {
        let home = try TemporaryHome()
        let missingEndpoint = try NetconProcess.run(["planet", "create", "--root", home.path, "-o", home.path + "/p"])
        #expect(missingEndpoint.status == 64)
        #expect(missingEndpoint.stderr.contains("@ENDPOINT"))
        let badEndpoint = try NetconProcess.run(["planet", "create", "--root", home.path + "@nowhere", "-o", home.path + "/p"])
        #expect(badEndpoint.status == 64)
        let noRoots = try NetconProcess.run(["planet", "create", "-o", home.path + "/p"])
        #expect(noRoots.status == 64)
        let corrupt = try NetconProcess.run([
            "planet", "create", "--root", Vectors.directory.appendingPathComponent("identities/corrupted.public").path + "@127.0.0.1/9993",
            "-o", home.path + "/p",
        ])
        #expect(corrupt.status == 65)
        #expect(!FileManager.default.fileExists(atPath: home.path + "/p"))
    }

    @Test func aDamagedPlanetIsReported() throws {
        let home = try TemporaryHome()
        FileManager.default.createFile(atPath: home.path + "/planet", contents: Data([1, 2, 3]))
        let show = try NetconProcess.run(["planet", "show", "--home", home.path])
        #expect(show.status == 65)
        #expect(show.stderr.contains("planet"))
    }
}
