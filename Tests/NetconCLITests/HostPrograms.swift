import CNetconSys
import Foundation
import Glibc

/// Real clients and servers of the host (curl, socat, python3…) and small kernel-socket services, for the
/// tests of what netcon relays between the host and the virtual networks. Everything here stays on 127.0.0.1.
enum HostProgram {
    /// Runs `program` (looked up in PATH) with `input` on its stdin, to completion (bounded by `timeout` seconds).
    static func run(_ program: String, _ arguments: [String], input: Data = Data(), environment: [String: String] = [:],
                    timeout: TimeInterval = 60) throws -> NetconProcess.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        var merged = ProcessInfo.processInfo.environment
        // Nothing a developer's shell set may send these clients elsewhere.
        for name in ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"] {
            merged.removeValue(forKey: name)
        }
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let stdin = Pipe()
        process.standardInput = stdin
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let running = NetconProcess.Running(process: process, stdout: out, stderr: err)
        try process.run()
        DispatchQueue.global().async {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        return try running.wait(timeout: timeout)
    }
}

/// Finds a TCP port nothing listens on (bind to 0, read it, close).
func freeTCPPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestFailure("no free TCP port") }
    return UInt16(bigEndian: address.sin_port)
}

func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    return address
}

/// A kernel socket (TCP or UDP) bound on 127.0.0.1 (`port` 0: any), closed with the value.
final class LoopbackSocket: @unchecked Sendable {
    let fd: CInt
    let port: UInt16

    init(type: Int32, port: UInt16 = 0, listening: Bool = true) throws {
        let fd = socket(AF_INET, type, 0)
        self.fd = fd
        var address = loopbackAddress(port: port)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("cannot bind 127.0.0.1:\(port): errno \(errno)") }
        self.port = UInt16(bigEndian: address.sin_port)
        if type == Int32(SOCK_STREAM.rawValue) && listening { guard listen(fd, 16) == 0 else { throw TestFailure("listen failed") } }
        setReceiveTimeout(fd, seconds: 15)
    }

    /// A datagram to 127.0.0.1:`port`.
    func send(_ bytes: [UInt8], toPort port: UInt16) -> Bool {
        var address = loopbackAddress(port: port)
        return bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == raw.count
                }
            }
        }
    }

    /// The next datagram and its source port (nil after the receive timeout).
    func receive() -> (bytes: [UInt8], port: UInt16)? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &length) }
        }
        guard count >= 0 else { return nil }
        return (Array(buffer[0..<count]), UInt16(bigEndian: address.sin_port))
    }

    /// A TCP connection to 127.0.0.1:`port`, or nil when refused.
    static func connect(toPort port: UInt16) -> CInt? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { close(fd); return nil }
        setReceiveTimeout(fd, seconds: 15)
        return fd
    }

    deinit { shutdown(fd, CInt(SHUT_RDWR)); close(fd) }
}
