import Glibc
import ZeroTier

/// Conversions between the engine's `InetEndpoint` and the kernel's socket addresses. On a dual-stack
/// socket IPv4 peers appear as v4-mapped IPv6 addresses; they are unmapped here so the engine sees one form.
enum SocketAddress {
    static func endpoint(from storage: sockaddr_storage) -> InetEndpoint? {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &storage) { raw in
                let address = raw.load(as: sockaddr_in.self)
                let ip = IPAddress.v4(UInt32(bigEndian: address.sin_addr.s_addr))
                return InetEndpoint(ip: ip, port: UInt16(bigEndian: address.sin_port))
            }
        case AF_INET6:
            return withUnsafeBytes(of: &storage) { raw in
                let address = raw.load(as: sockaddr_in6.self)
                let port = UInt16(bigEndian: address.sin6_port)
                let (high, low) = withUnsafeBytes(of: address.sin6_addr) { bytes in
                    (UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)),
                     UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
                }
                if high == 0 && low >> 32 == 0xffff {
                    return InetEndpoint(ip: .v4(UInt32(truncatingIfNeeded: low)), port: port)
                }
                return InetEndpoint(ip: .v6(high: high, low: low), port: port)
            }
        default:
            return nil
        }
    }

    /// The kernel address for `endpoint`, mapped into IPv6 when the socket is dual-stack.
    static func storage(for endpoint: InetEndpoint, dualStack: Bool) -> (sockaddr_storage, socklen_t) {
        var storage = sockaddr_storage()
        let high: UInt64, low: UInt64
        switch endpoint.ip {
        case let .v4(value):
            guard dualStack else {
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = endpoint.port.bigEndian
                address.sin_addr.s_addr = value.bigEndian
                withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in.self) }
                return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
            (high, low) = (0, 0xffff << 32 | UInt64(value))
        case let .v6(h, l):
            (high, low) = (h, l)
        }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = endpoint.port.bigEndian
        withUnsafeMutableBytes(of: &address.sin6_addr) { bytes in
            bytes.storeBytes(of: high.bigEndian, as: UInt64.self)
            bytes.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in6.self) }
        return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
    }
}
