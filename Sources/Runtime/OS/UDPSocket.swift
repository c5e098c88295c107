import CNetconSys
import Glibc
import SystemPackage
import ZeroTier

/// The node's UDP socket: one dual-stack IPv6 socket when the host has IPv6, else IPv4 only.
public final class UDPSocket {
    private let descriptor: OwnedDescriptor
    public let port: UInt16
    public let isDualStack: Bool

    public var fd: CInt { descriptor.rawValue }

    /// Binds every local address on `port` (0 = a free port chosen by the kernel).
    public init(port requested: UInt16) throws(NetconError) {
        if let v6 = try? Self.bind(family: AF_INET6, port: requested) {
            descriptor = v6.descriptor
            port = v6.port
            isDualStack = true
        } else {
            let v4: (descriptor: OwnedDescriptor, port: UInt16)
            do {
                v4 = try Self.bind(family: AF_INET, port: requested)
            } catch {
                throw .portUnavailable(port: requested, reason: "\(error)")
            }
            descriptor = v4.descriptor
            port = v4.port
            isDualStack = false
        }
    }

    /// The socket's receive buffer as the kernel accounts it (SO_RCVBUF: twice what was granted, datagrams
    /// counted with their bookkeeping).
    public var receiveBufferBytes: Int {
        var size: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &length) == 0 else { return 0 }
        return Int(size)
    }

    /// A burst of a fast stream outruns one wake-up of the loop (the default 208 KiB is 150 datagrams): room
    /// for 4 MiB each way, as far as net.core.rmem_max/wmem_max allow (root may go past them).
    private static func enlargeBuffers(_ fd: CInt) {
        var size: CInt = 4 << 20
        for (option, forced) in [(SO_RCVBUF, CInt(33)), (SO_SNDBUF, CInt(32))]  // SO_RCVBUFFORCE, SO_SNDBUFFORCE
        where setsockopt(fd, SOL_SOCKET, forced, &size, socklen_t(MemoryLayout<CInt>.size)) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, option, &size, socklen_t(MemoryLayout<CInt>.size))
        }
    }

    private static func bind(family: CInt, port: UInt16) throws(Errno) -> (descriptor: OwnedDescriptor, port: UInt16) {
        let fd = try syscall { socket(family, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0) }
        let owned = OwnedDescriptor(rawValue: fd)
        enlargeBuffers(fd)
        var off: CInt = 0
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        if family == AF_INET6 {
            try syscall { setsockopt(fd, CInt(IPPROTO_IPV6), IPV6_V6ONLY, &off, socklen_t(MemoryLayout<CInt>.size)) }
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = in6addr_any
            try syscall { withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } } }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = INADDR_ANY
            try syscall { withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } }
        }
        try syscall { withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } } }
        let boundPort = withUnsafePointer(to: &bound) { pointer in
            family == AF_INET6
                ? pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
                : pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
        return (owned, boundPort)
    }

    /// Sends one datagram with a hop limit (ZeroTier's NAT-punching junk goes out with TTL 2 so it opens
    /// the local NAT mapping without reaching the peer). Best effort, like any UDP send.
    public func send(_ bytes: [UInt8], to endpoint: InetEndpoint, ttl: UInt8) {
        var limited = CInt(ttl)
        var normal: CInt = 64
        let size = socklen_t(MemoryLayout<CInt>.size)
        setsockopt(fd, CInt(IPPROTO_IP), IP_TTL, &limited, size)
        if isDualStack { setsockopt(fd, CInt(IPPROTO_IPV6), IPV6_UNICAST_HOPS, &limited, size) }
        var (address, length) = SocketAddress.storage(for: endpoint, dualStack: isDualStack)
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, raw.baseAddress, raw.count, CInt(MSG_DONTWAIT), $0, length) }
            }
        }
        setsockopt(fd, CInt(IPPROTO_IP), IP_TTL, &normal, size)
        if isDualStack {
            var automatic: CInt = -1
            setsockopt(fd, CInt(IPPROTO_IPV6), IPV6_UNICAST_HOPS, &automatic, size)
        }
    }

    public func close() { descriptor.close() }
}
