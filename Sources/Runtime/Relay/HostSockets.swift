import CNetconSys
import Glibc
import NetconRPC
import SystemPackage

/// The host's own sockets on the other side of a relay: listeners and datagram sockets on a host address, and
/// connections to one (made with a deadline), all close-on-exec.
enum HostSockets {
    /// A non-blocking listener (SO_REUSEADDR, so a restart finds its port at once).
    static func listen(on local: RPCEndpoint) throws(Errno) -> OwnedDescriptor {
        let fd = try open(for: local, type: SOCK_STREAM)
        var one: CInt = 1
        try syscall { setsockopt(fd.rawValue, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size)) }
        try bind(fd, local)
        try syscall { Glibc.listen(fd.rawValue, 128) }
        return fd
    }

    /// A non-blocking datagram socket on `local` (port 0: any).
    static func bindUDP(on local: RPCEndpoint) throws(Errno) -> OwnedDescriptor {
        let fd = try open(for: local, type: SOCK_DGRAM)
        try bind(fd, local)
        return fd
    }

    /// A non-blocking datagram socket connected to `remote`: only its replies arrive, and a closed port shows as
    /// ECONNREFUSED.
    static func connectedUDP(to remote: RPCEndpoint) throws(Errno) -> OwnedDescriptor {
        let fd = try open(for: remote, type: SOCK_DGRAM)
        try withSocketAddress(remote) { address, length throws(Errno) in try syscall { Glibc.connect(fd.rawValue, address, length) } }
        return fd
    }

    /// A connected stream (left non-blocking), or the connect's errno; ETIMEDOUT after `timeoutMilliseconds`.
    static func connect(to remote: RPCEndpoint, timeoutMilliseconds: Int32) throws(Errno) -> OwnedDescriptor {
        let fd = try open(for: remote, type: SOCK_STREAM)
        do {
            try withSocketAddress(remote) { address, length throws(Errno) in try syscall { Glibc.connect(fd.rawValue, address, length) } }
            return fd
        } catch .nowInProgress {
            var poller = pollfd(fd: fd.rawValue, events: Int16(POLLOUT), revents: 0)
            guard try syscall({ poll(&poller, 1, timeoutMilliseconds) }) == 1 else { throw .timedOut }
            var error: CInt = 0
            var length = socklen_t(MemoryLayout<CInt>.size)
            try syscall { getsockopt(fd.rawValue, SOL_SOCKET, SO_ERROR, &error, &length) }
            guard error == 0 else { throw Errno(rawValue: error) }
            return fd
        }
    }

    /// SO_LINGER {1, 0}: closing sends a reset instead of a FIN.
    static func resetOnClose(_ fd: OwnedDescriptor) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd.rawValue, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    static func localEndpoint(of fd: CInt) -> RPCEndpoint? { endpoint(of: fd, getsockname) }
    static func peerEndpoint(of fd: CInt) -> RPCEndpoint? { endpoint(of: fd, getpeername) }

    /// `endpoint` as a kernel socket address, for the length of `body`.
    static func withSocketAddress<T>(_ endpoint: RPCEndpoint, _ body: (UnsafePointer<sockaddr>, socklen_t) throws(Errno) -> T) throws(Errno) -> T {
        var storage = sockaddr_storage()
        let length: Int
        switch endpoint.address {
        case .v4(let bytes)?:
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = endpoint.port.bigEndian
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: bytes) }
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in.self) }
            length = MemoryLayout<sockaddr_in>.size
        case .v6(let bytes, let scope)?:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = endpoint.port.bigEndian
            address.sin6_scope_id = scope
            withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: bytes) }
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in6.self) }
            length = MemoryLayout<sockaddr_in6>.size
        case nil:
            throw .addressNotAvailable
        }
        return try withUnsafePointer(to: &storage) { pointer throws(Errno) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(Errno) in try body(address, socklen_t(length)) }
        }
    }

    private static func open(for endpoint: RPCEndpoint, type: __socket_type) throws(Errno) -> OwnedDescriptor {
        let family = endpoint.address?.family ?? AF_INET
        return OwnedDescriptor(rawValue: try syscall {
            socket(family, CInt(type.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        })
    }

    private static func bind(_ fd: OwnedDescriptor, _ local: RPCEndpoint) throws(Errno) {
        try withSocketAddress(local) { address, length throws(Errno) in try syscall { Glibc.bind(fd.rawValue, address, length) } }
    }

    private static func endpoint(of fd: CInt, _ query: (CInt, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> CInt) -> RPCEndpoint? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { query(fd, $0, &length) } }
        return result == 0 ? RPCEndpoint(socketAddress: storage) : nil
    }
}
