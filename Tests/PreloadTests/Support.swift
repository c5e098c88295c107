import Foundation

/// Paths and processes the preload tests need: the package's sources, the system C compiler, scratch
/// directories, and programs run to completion.
enum PreloadTestSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    /// The socket rules both interception paths share (the preload library compiles them with its hooks).
    static let librarySources = packageRoot + "/Sources/CNetconIntercept"
    static let rpcInclude = packageRoot + "/Sources/CNetconRPC/include"
    static let programs = packageRoot + "/Tests/PreloadTests/Programs"

    /// The C compiler the build plugin would use: $CC, else cc, gcc or clang on PATH.
    static var cCompiler: String {
        let environment = ProcessInfo.processInfo.environment
        if let cc = environment["CC"], FileManager.default.isExecutableFile(atPath: cc) { return cc }
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin"]
        for name in ["cc", "gcc", "clang"] {
            for directory in path where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
                return directory + "/" + name
            }
        }
        return "/usr/bin/cc"
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netcon-preload-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs a program with exactly `environment` and waits for it (outputs are small).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Compiles C sources into an executable in `directory`; the compiler's complaints become the error.
    static func compile(_ sources: [String], output: String, in directory: String, flags: [String] = []) throws -> String {
        let path = directory + "/" + output
        let result = try run(cCompiler, ["-D_GNU_SOURCE", "-std=gnu11", "-Wall", "-Wextra", "-Werror"] + flags + sources
                             + ["-o", path, "-lpthread"], environment: ["PATH": "/usr/local/bin:/usr/bin:/bin"])
        guard result.status == 0 else { throw CompileFailure(output: result.stderr) }
        return path
    }

    struct CompileFailure: Error, CustomStringConvertible {
        let output: String
        var description: String { "C compilation failed:\n\(output)" }
    }
}
