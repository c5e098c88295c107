import Foundation
import Testing

/// Bad input at the command line: one clear line on stderr and a distinct exit status each.
@Suite struct CommandLineTests {
    @Test(arguments: ["8056c2e21c00001", "8056c2e21c0000011", "zzzzzzzzzzzzzzzz", ""])
    func invalidNetworkIDsAreUsageErrors(_ network: String) throws {
        let home = try TemporaryHome()
        let result = try NetconProcess.run(["join", network, "--home", home.path])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Error:"))
        #expect(!FileManager.default.fileExists(atPath: home.path + "/networks.d"))
    }

    @Test func unknownFlagsAreUsageErrors() throws {
        let result = try NetconProcess.run(["status", "--no-such-flag"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("no-such-flag"))
    }

    @Test func homeThatIsAFileIsUnusable() throws {
        let home = try TemporaryHome()
        let file = home.path + "/plain-file"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let status = try NetconProcess.run(["status", "--home", file])
        #expect(status.status == 66)
        #expect(status.stderr.hasPrefix("netcon: cannot use home directory"))
        #expect(status.stderr.split(separator: "\n").count == 1)
        let run = try NetconProcess.run(["run", "--home", file, "--port", "0"])
        #expect(run.status == 73 || run.status == 66)
    }

    @Test func statusOfAHomeWithoutIdentitySaysHowToStart() throws {
        let home = try TemporaryHome()
        let result = try NetconProcess.run(["status", "--home", home.path])
        #expect(result.status == 66)
        #expect(result.stderr.contains("netcon run"))
    }

    @Test func homeComesFromTheEnvironment() throws {
        let home = try TemporaryHome()
        try home.installIdentity("id1")
        let result = try NetconProcess.run(["status", "--json"], environment: ["NETCON_HOME": home.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("099fc4e1a0"))
    }

    @Test func execWithoutAProgramOrAPrivatePlanetSaysWhy() throws {
        let home = try TemporaryHome(planet: nil)
        let usage = try NetconProcess.run(["exec", "--home", home.path])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("give the program to run after --"))
        // No daemon and no private planet under NETCON_FORBID_DEFAULT_PLANET: the embedded node refuses to start
        // (it would otherwise contact ZeroTier's public roots), and the program never runs.
        let refused = try NetconProcess.run(["exec", "--home", home.path, "--join", "8056c2e21c000001", "--", "sh", "-c", "echo ran"])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("NETCON_FORBID_DEFAULT_PLANET"))
        #expect(!refused.stdout.contains("ran"))
    }

    @Test func versionAndHelpWork() throws {
        let version = try NetconProcess.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try NetconProcess.run(["--help"])
        for command in ["run", "join", "leave", "status", "exec", "selftest"] {
            #expect(help.stdout.contains(command))
        }
    }

    /// A release download or a versioned copy is named netcon-something: only a command's name selects a command.
    @Test func aProgramNameThatIsNoCommandActsAsNetcon() throws {
        let home = try TemporaryHome()
        for name in ["netcon-linux-amd64", "netcon-0.2"] {
            let copy = home.path + "/" + name
            try FileManager.default.copyItem(atPath: NetconProcess.executable.path, toPath: copy)
            for (arguments, expected) in [(["--version"], "0."), (["status", "--help"], "netcon status")] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: copy)
                process.arguments = arguments
                let out = Pipe()
                process.standardOutput = out
                process.standardError = FileHandle.nullDevice
                try process.run()
                let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0 && text.contains(expected), "\(name) \(arguments): \(text)")
            }
        }
    }

    @Test func planetCreateWritesIntoTheHomeByDefault() throws {
        let home = try TemporaryHome(planet: nil)
        let root = Vectors.directory.appendingPathComponent("world/root.public").path
        let made = try NetconProcess.run(["planet", "create", "--home", home.path, "--root", root + "@127.0.0.1/9"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("to \(home.path)/planet"))
        var info = stat()
        #expect(stat(home.path + "/planet.signing-key", &info) == 0 && info.st_mode & 0o077 == 0)
        let shown = try NetconProcess.run(["planet", "show", "--home", home.path])
        #expect(shown.status == 0 && shown.stdout.contains("4518434e30"), "\(shown.stdout)\(shown.stderr)")
    }

    @Test func programNameSelectsTheCommand() throws {
        let home = try TemporaryHome()
        let link = home.path + "/netcon-status"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: NetconProcess.executable.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: link)
        process.arguments = ["--help"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("netcon status"))
    }
}
