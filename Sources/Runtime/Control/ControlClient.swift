import CNetconSys
import ControlPlane
import Glibc
import SystemPackage

/// Talks to a running daemon over its control socket. Refuses a socket that another user owns: whoever
/// controls it would see our requests and forge the daemon's answers.
public struct ControlClient {
    public let home: NodeHome
    public var timeoutSeconds: Int = 15

    public init(home: NodeHome) { self.home = home }

    /// Sends one request and waits for its answer. Throws `.daemonNotRunning` when nothing listens.
    public func send(_ request: ControlRequest) throws(NetconError) -> ControlResponse {
        let path = home.controlSocket
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .daemonNotRunning(home: home.path) }
        guard info.st_uid == getuid() || info.st_uid == 0 && getuid() == 0 else {
            throw .controlSocketNotOwned(path: path, owner: info.st_uid)
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw .controlProtocol("\(path) is not a socket")
        }
        let fd = netcon_unix_connect(path)
        guard fd >= 0 else {
            let error = Errno(rawValue: errno)
            if error == .connectionRefused || error == .noSuchFileOrDirectory { throw .daemonNotRunning(home: home.path) }
            throw .io(path: path, errno: error)
        }
        let socket = OwnedDescriptor(rawValue: fd)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        try write(ControlCodec.encode(request), to: socket)
        let prefix = try read(exactly: 4, from: socket)
        let length: Int
        do {
            length = try ControlCodec.frameLength(prefix: prefix)
        } catch {
            throw .controlProtocol(error.description)
        }
        let body = try read(exactly: length, from: socket)
        do {
            return try ControlCodec.decode(ControlResponse.self, body: body)
        } catch {
            throw .controlProtocol(error.description)
        }
    }

    private func write(_ bytes: [UInt8], to socket: OwnedDescriptor) throws(NetconError) {
        var sent = 0
        while sent < bytes.count {
            let offset = sent
            do {
                sent += try syscall { bytes.withUnsafeBytes { Glibc.send(socket.rawValue, $0.baseAddress! + offset, $0.count - offset, netcon_msg_nosignal) } }
            } catch {
                throw .controlProtocol("sending to the daemon failed: \(error)")
            }
        }
    }

    private func read(exactly count: Int, from socket: OwnedDescriptor) throws(NetconError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let offset = received
            let got: Int
            do {
                got = try syscall { buffer.withUnsafeMutableBytes { Glibc.recv(socket.rawValue, $0.baseAddress! + offset, $0.count - offset, 0) } }
            } catch {
                if error == .resourceTemporarilyUnavailable { throw .controlProtocol("the daemon did not answer within \(timeoutSeconds) s") }
                throw .controlProtocol("reading the daemon's answer failed: \(error)")
            }
            if got == 0 { throw .controlProtocol("the daemon closed the connection before answering") }
            received += got
        }
        return buffer
    }
}
