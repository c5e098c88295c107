import Foundation
import PackagePlugin

/// Compiles the intercept library (the hooks of Sources/NetconPreload and the socket rules they share with the
/// seccomp supervisor, the top level of Sources/CNetconIntercept) with the system C compiler and embeds the result
/// in the target it is applied to (PreloadImage) as generated Swift, so a plain `swift build` produces a
/// `netcon` binary that carries its own LD_PRELOAD library. The same way it builds and embeds the static probe
/// (Sources/StaticProbe, no libc) that `netcon selftest` runs on the seccomp path.
@main
struct EmbedPreloadLibrary: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let hookDirectory = root.appending(path: "Sources/NetconPreload")
        let rulesDirectory = root.appending(path: "Sources/CNetconIntercept")
        let includeDirectory = root.appending(path: "Sources/CNetconRPC/include")
        var sources: [URL] = []
        var headers: [URL] = []
        for directory in [hookDirectory, rulesDirectory] {
            // Not recursive: the supervisor's own files (CNetconIntercept/seccomp) are not the library's.
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            sources += names.filter { $0.hasSuffix(".c") }.map { directory.appending(path: $0) }
            headers += names.filter { $0.hasSuffix(".h") }.map { directory.appending(path: $0) }
        }
        guard !sources.isEmpty else { throw PluginError("no C sources in \(hookDirectory.path)") }
        let includes = [hookDirectory, rulesDirectory, includeDirectory].map(\.path).joined(separator: ":")

        let output = context.pluginWorkDirectoryURL.appending(path: "PreloadImageData.swift")
        let library = context.pluginWorkDirectoryURL.appending(path: "libnetcon-preload.so")
        let probeSource = root.appending(path: "Sources/StaticProbe/static_probe.c")
        let probeOutput = context.pluginWorkDirectoryURL.appending(path: "StaticProbeImageData.swift")
        let probe = context.pluginWorkDirectoryURL.appending(path: "netcon-static-probe")
        let compiler = try Self.findCompiler()
        let embedder = try context.tool(named: "PreloadEmbedder").url
        return [
            .buildCommand(
                displayName: "Compiling and embedding the netcon preload library",
                executable: embedder,
                arguments: ["preload-library", compiler, includes, library.path, output.path] + sources.map(\.path),
                inputFiles: sources + headers + [includeDirectory.appending(path: "netcon_rpc.h")],
                outputFiles: [output]
            ),
            .buildCommand(
                displayName: "Compiling and embedding the netcon static probe",
                executable: embedder,
                arguments: ["static-probe", compiler, "", probe.path, probeOutput.path, probeSource.path],
                inputFiles: [probeSource],
                outputFiles: [probeOutput]
            ),
        ]
    }

    /// `$CC` when it names an executable, else the first of cc, gcc, clang on PATH (then /usr/bin).
    static func findCompiler() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let fileManager = FileManager.default
        if let cc = environment["CC"], cc.hasPrefix("/"), fileManager.isExecutableFile(atPath: cc) { return cc }
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        for name in ["cc", "gcc", "clang"] {
            for directory in path where fileManager.isExecutableFile(atPath: directory + "/" + name) {
                return directory + "/" + name
            }
        }
        throw PluginError("no C compiler (cc, gcc or clang) found on PATH to build the netcon preload library; install gcc")
    }
}

struct PluginError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
