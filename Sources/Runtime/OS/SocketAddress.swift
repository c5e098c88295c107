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
                let bytes = withUnsafeBytes(of: address.sin6_addr) { Array($0) }
                let port = UInt16(bigEndian: address.sin6_port)
                if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                    return IPAddress(bytes: Array(bytes[12..<16])).map { InetEndpoint(ip: $0, port: port) }
                }
                return IPAddress(bytes: bytes).map { InetEndpoint(ip: $0, port: port) }
            }
        default:
            return nil
        }
    }

    /// The kernel address for `endpoint`, mapped into IPv6 when the socket is dual-stack.
    static func storage(for endpoint: InetEndpoint, dualStack: Bool) -> (sockaddr_storage, socklen_t) {
        var storage = sockaddr_storage()
        var bytes = endpoint.ip.bytes
        if bytes.count == 4 && !dualStack {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = endpoint.port.bigEndian
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: bytes) }
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in.self) }
            return (storage, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
        if bytes.count == 4 { bytes = [UInt8](repeating: 0, count: 10) + [0xff, 0xff] + bytes }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = endpoint.port.bigEndian
        withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: bytes) }
        withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in6.self) }
        return (storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
    }
}
