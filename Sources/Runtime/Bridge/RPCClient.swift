import CNetconSys
import Glibc
import NetconRPC
import SystemPackage

/// The RPC as the intercept library speaks it, for netcon's own use (the selftest drives the members'
/// stacks with it): one connection per call, the reply and maybe a descriptor back.
struct RPCClient {
    let path: String

    struct Answer {
        var reply: RPCReply
        var descriptor: OwnedDescriptor?
    }

    func call(_ request: RPCRequest, timeoutSeconds: Int = 30) throws(NetconError) -> Answer {
        let fd = netcon_unix_connect_type(path, CInt(SOCK_SEQPACKET.rawValue))
        guard fd >= 0 else { throw .io(path: path, errno: Errno(rawValue: errno)) }
        let connection = OwnedDescriptor(rawValue: fd)
        setTimeout(connection.rawValue, seconds: timeoutSeconds)
        let bytes = request.bytes
        guard send(fd, bytes, bytes.count, netcon_msg_nosignal) == bytes.count else { throw .io(path: path, errno: Errno(rawValue: errno)) }
        var buffer = [UInt8](repeating: 0, count: 2048)
        var descriptor: CInt = -1
        let count = netcon_receive_descriptor(fd, &buffer, buffer.count, &descriptor)
        guard count > 0 else { throw .controlProtocol("no RPC reply from \(path)") }
        let passed = descriptor >= 0 ? OwnedDescriptor(rawValue: descriptor) : nil
        do {
            return Answer(reply: try RPCReply(bytes: buffer[0..<count]), descriptor: passed)
        } catch {
            throw .controlProtocol("malformed RPC reply: \(error)")
        }
    }
}

/// Bounds blocking reads and writes on a descriptor.
func setTimeout(_ fd: CInt, seconds: Int) {
    var timeout = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
}
