import Foundation
import Glibc
import PreloadImage
import Testing
@testable import Runtime

/// The embedded library loaded into a real host-only program with no node behind NETCON_RPC_SOCKET: the
/// host's network keeps working, isolation refuses, the warning is printed at most once, and exec'd
/// children get the library and the NETCON_* variables back.
@Suite(.serialized) struct PreloadHostTests {
    let directory: String
    let library: String
    let probe: String
    let missingSocket: String

    init() throws {
        directory = try PreloadTestSupport.temporaryDirectory()
        library = try PreloadLibrary.install(image: PreloadImage.bytes, sha256Hex: PreloadImage.sha256Hex,
                                             directories: [directory + "/runtime"]).path
        probe = try PreloadTestSupport.compile([PreloadTestSupport.programs + "/probe.c"], output: "probe", in: directory)
        missingSocket = directory + "/no-node.sock"
    }

    func runProbe(_ arguments: [String], isolate: Bool = false, debug: Bool = false) throws -> PreloadTestSupport.Result {
        var environment = ["LD_PRELOAD": library, "NETCON_RPC_SOCKET": missingSocket, "PATH": "/usr/bin:/bin"]
        if isolate { environment["NETCON_ISOLATE"] = "1" }
        if debug { environment["NETCON_DEBUG"] = "1" }
        return try PreloadTestSupport.run(probe, arguments, environment: environment)
    }

    /// A TCP listener on 127.0.0.1 in this (unpreloaded) process, for the probe to connect to.
    func loopbackListener() throws -> (fd: CInt, port: UInt16) {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        #expect(bound)
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    @Test func hostTrafficFallsThrough() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runProbe(["host"])
        #expect(result.stdout == "host ok\n", "\(result.stdout) \(result.stderr)")
        #expect(result.status == 0)
        // Loopback never needs the node, so nothing was asked and nothing is said.
        #expect(result.stderr == "")
    }

    @Test func connectToTheHostWorksWithoutANode() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let listener = try loopbackListener()
        defer { close(listener.fd) }
        let result = try runProbe(["connect", "127.0.0.1", String(listener.port)])
        #expect(result.stdoutLines == ["connect: ok", "connect: ok", "sendto: ok"], "\(result.stderr)")
    }

    @Test func isolationRefusesTheHostNetwork() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let listener = try loopbackListener()
        defer { close(listener.fd) }
        let result = try runProbe(["connect", "127.0.0.1", String(listener.port)], isolate: true)
        #expect(result.stdoutLines == ["connect: ENETUNREACH", "connect: ENETUNREACH", "sendto: ENETUNREACH"])
        #expect(result.stderr == "")
        let bindResult = try runProbe(["bind"], isolate: true)
        #expect(bindResult.stdoutLines == ["bind: EADDRNOTAVAIL"])
    }

    /// A non-loopback destination needs the node's routes; without a node the calls fail, and the library says
    /// nothing on the program's stderr (it may be anything: vsftpd's is the client's socket). With NETCON_DEBUG the
    /// warning line appears, once however often the routes are asked for (the second connect comes after the
    /// routes cache expired). Isolated, so nothing leaves the machine (192.0.2.1 is TEST-NET-1 anyway).
    @Test func unreachableNodeIsReportedOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runProbe(["connect", "192.0.2.1", "9"], isolate: true)
        #expect(result.stdoutLines == ["connect: ENETUNREACH", "connect: ENETUNREACH", "sendto: ENETUNREACH"])
        #expect(result.stderr == "")
        let debugged = try runProbe(["connect", "192.0.2.1", "9"], isolate: true, debug: true)
        #expect(debugged.stdoutLines == ["connect: ENETUNREACH", "connect: ENETUNREACH", "sendto: ENETUNREACH"])
        let warning = "netcon: cannot reach the node at \(missingSocket): No such file or directory"
        #expect(debugged.stderrLines.filter { $0 == warning }.count == 1, "\(debugged.stderr)")
    }

    @Test func execKeepsTheLibraryAndTheVariables() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try runProbe(["exec", "PATH=/usr/bin:/bin", "NETCON_ISOLATE=0"], isolate: true)
        let lines = Set(result.stdoutLines)
        #expect(lines.contains("LD_PRELOAD=\(library)"), "\(result.stdout)")
        #expect(lines.contains("NETCON_RPC_SOCKET=\(missingSocket)"))
        #expect(lines.contains("NETCON_ISOLATE=0"))  // the program's own choice wins
        #expect(!lines.contains("NETCON_ISOLATE=1"))
        #expect(result.stdoutLines.count == 4)
    }

    @Test func execMergesAnotherPreload() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Any library the loader can preload harmlessly: libc itself.
        let candidates = ["/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6", "/lib64/libc.so.6", "/usr/lib/libc.so.6"]
        let other = try #require(candidates.first { FileManager.default.fileExists(atPath: $0) })
        let merged = try runProbe(["exec", "LD_PRELOAD=\(other)"])
        #expect(merged.stdoutLines.contains("LD_PRELOAD=\(library):\(other)"), "\(merged.stdout)")
        let already = try runProbe(["exec", "LD_PRELOAD=\(other) \(library)"])
        #expect(already.stdoutLines.contains("LD_PRELOAD=\(other) \(library)"), "\(already.stdout)")
    }
}
