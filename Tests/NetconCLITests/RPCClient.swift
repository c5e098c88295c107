import CNetconSys
import Foundation
import Glibc
import NetconRPC

/// Speaks the intercept library's RPC to a running node, as the library does: one connection per call.
struct RPCClient {
    let path: String

    struct Answer {
        var reply: RPCReply
        var descriptor: CInt?
    }

    func call(_ request: RPCRequest, timeoutSeconds: Int = 30) throws -> Answer {
        let fd = netcon_unix_connect_type(path, CInt(SOCK_SEQPACKET.rawValue))
        guard fd >= 0 else { throw TestFailure("cannot connect to \(path): errno \(errno)") }
        defer { close(fd) }
        setReceiveTimeout(fd, seconds: timeoutSeconds)
        let bytes = request.bytes
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw TestFailure("send failed: errno \(errno)") }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var descriptor: CInt = -1
        let count = netcon_receive_descriptor(fd, &buffer, buffer.count, &descriptor)
        guard count > 0 else { throw TestFailure("no reply: errno \(errno)") }
        return Answer(reply: try RPCReply(bytes: buffer[0..<count]), descriptor: descriptor >= 0 ? descriptor : nil)
    }
}

func setReceiveTimeout(_ fd: CInt, seconds: Int) {
    var timeout = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
}

/// Reads until EOF or `limit` bytes.
func readAll(_ fd: CInt, limit: Int = 1 << 20) -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while result.count < limit {
        let count = read(fd, &buffer, buffer.count)
        if count <= 0 { break }
        result += buffer[0..<count]
    }
    return result
}

func writeAll(_ fd: CInt, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
        if written <= 0 { return false }
        offset += written
    }
    return true
}
