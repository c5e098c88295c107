import Foundation

/// Runs the built `netcon` binary as a real process, as a user would.
struct NetconProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `netcon` executable SwiftPM built next to this test bundle.
    static var executable: URL {
        let bundleDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        return bundleDirectory.appendingPathComponent("netcon")
    }

    /// Runs `netcon ARGS` to completion (bounded by `timeout` seconds).
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> Result {
        let process = try start(arguments, environment: environment)
        return try process.wait(timeout: timeout)
    }

    /// - Parameter umask: run under this umask (through sh), to check that netcon sets its files' modes itself.
    static func start(_ arguments: [String], environment: [String: String] = [:], umask: String? = nil) throws -> Running {
        let process = Process()
        if let umask {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "umask \(umask) && exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "NETCON_HOME")
        // No test may ever reach ZeroTier's public roots: a home without a private planet refuses to start.
        merged["NETCON_FORBID_DEFAULT_PLANET"] = "1"
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let running = Running(process: process, stdout: out, stderr: err)
        try process.run()
        return running
    }

    final class Running: @unchecked Sendable {
        let process: Process
        private let stdoutPipe: Pipe
        private let stderrPipe: Pipe
        private let lock = NSLock()
        private var stdoutBytes = Data()
        private var stderrBytes = Data()
        private let group = DispatchGroup()

        init(process: Process, stdout: Pipe, stderr: Pipe) {
            self.process = process
            stdoutPipe = stdout
            stderrPipe = stderr
            // Drain both pipes concurrently so a chatty child never blocks on a full pipe; what came so far can be
            // looked at while the child runs.
            for (pipe, isStdout) in [(stdoutPipe, true), (stderrPipe, false)] {
                group.enter()
                DispatchQueue.global().async { [self] in
                    let handle = pipe.fileHandleForReading
                    while true {
                        let chunk = handle.availableData
                        if chunk.isEmpty { break }
                        lock.withLock { if isStdout { stdoutBytes.append(chunk) } else { stderrBytes.append(chunk) } }
                    }
                    group.leave()
                }
            }
        }

        private var stdoutData: Data { lock.withLock { stdoutBytes } }
        private var stderrData: Data { lock.withLock { stderrBytes } }

        /// What the child wrote to stdout / stderr so far.
        var stdoutSoFar: String { String(decoding: stdoutData, as: UTF8.self) }
        var stderrSoFar: String { String(decoding: stderrData, as: UTF8.self) }

        /// Waits until the child's stdout has a line `line` (at most `timeout` seconds, or until it exits).
        func waitForLine(_ line: String, timeout: TimeInterval = 60) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if stdoutSoFar.split(separator: "\n").contains(Substring(line)) { return }
                if !process.isRunning {
                    throw TestFailure("netcon \(process.arguments ?? []) exited (\(process.terminationStatus)) before printing '\(line)': \(stdoutSoFar) \(stderrSoFar)")
                }
                usleep(20_000)
            }
            throw TestFailure("netcon \(process.arguments ?? []) printed no '\(line)' within \(timeout) s: \(stdoutSoFar) \(stderrSoFar)")
        }

        var pid: Int32 { process.processIdentifier }

        func signal(_ number: Int32) { kill(process.processIdentifier, number) }

        func wait(timeout: TimeInterval) throws -> Result {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning {
                process.terminate()
                usleep(200_000)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                group.wait()
                throw TestFailure("netcon \(process.arguments ?? []) did not exit within \(timeout) s; stderr: \(String(decoding: stderrData, as: UTF8.self))")
            }
            process.waitUntilExit()
            group.wait()
            return Result(
                status: process.terminationStatus,
                stdout: String(decoding: stdoutData, as: UTF8.self),
                stderr: String(decoding: stderrData, as: UTF8.self)
            )
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A temporary node home, removed when the test is done with it.
final class TemporaryHome {
    let path: String

    /// - Parameter planet: a planet file to install (default: one whose only root sits on an unused loopback
    ///   port, so a node starts without ever reaching beyond this machine); nil for none.
    init(planet: URL? = TemporaryHome.loopbackPlanet) throws {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("netcon-test-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else { throw TestFailure("mkdtemp failed") }
        path = String(cString: created)
        if let planet { try FileManager.default.copyItem(at: planet, to: URL(fileURLWithPath: path + "/planet")) }
    }

    /// A private planet whose root (the vectors' root identity) is 127.0.0.1 port 9, where nothing listens.
    static let loopbackPlanet: URL? = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netcon-test-planet-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = directory.appendingPathComponent("planet")
        let root = Vectors.directory.appendingPathComponent("world/root.public").path
        let result = try? NetconProcess.run(["planet", "create", "--root", root + "@127.0.0.1/9", "-o", output.path])
        return result?.status == 0 ? output : nil
    }()

    /// Copies a ZeroTier One identity from the shared vectors into the home, as a user would drop one in.
    func installIdentity(_ name: String) throws {
        let source = Vectors.directory.appendingPathComponent("identities/\(name).secret")
        let contents = try Data(contentsOf: source)
        FileManager.default.createFile(atPath: path + "/identity.secret", contents: contents, attributes: [.posixPermissions: 0o600])
    }

    /// Waits until the daemon's control socket exists (the daemon is ready when it does).
    func waitForDaemon(_ daemon: NetconProcess.Running, timeout: TimeInterval = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path + "/control.sock") { return }
            if !daemon.process.isRunning {
                let result = try daemon.wait(timeout: 1)
                throw TestFailure("daemon exited early with \(result.status): \(result.stderr)")
            }
            usleep(20_000)
        }
        throw TestFailure("daemon did not create its control socket within \(timeout) s")
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

enum Vectors {
    /// `../shared/vectors/zerotier` beside the package, or `$NETCON_VECTORS`.
    static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["NETCON_VECTORS"] { return URL(fileURLWithPath: override) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/vectors/zerotier")
    }
}
