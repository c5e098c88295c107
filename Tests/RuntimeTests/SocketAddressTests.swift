import Glibc
import Testing
import ZeroTier
@testable import Runtime

@Suite struct SocketAddressTests {
    private static let endpoints = ["127.0.0.1/9993", "10.77.1.1/1", "255.255.255.255/65535", "::1/9993",
                                    "fd00:1:2:3:4:5:6:7/443", "::fffe:0:1/80", "ffff::/7", "::/0"]

    @Test(arguments: endpoints, [false, true])
    func roundTripsThroughTheKernelForm(text: String, dualStack: Bool) throws {
        let endpoint = try #require(InetEndpoint(text))
        let (storage, length) = SocketAddress.storage(for: endpoint, dualStack: dualStack)
        let mapped = dualStack || !endpoint.ip.isIPv4
        #expect(Int32(storage.ss_family) == (mapped ? AF_INET6 : AF_INET))
        #expect(Int(length) == (mapped ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size))
        #expect(SocketAddress.endpoint(from: storage) == endpoint)
    }

    @Test func aDualStackSocketsIPv4PeerIsMappedAsTheKernelMapsIt() throws {
        let (storage, _) = SocketAddress.storage(for: try #require(InetEndpoint("10.1.2.3/9993")), dualStack: true)
        var copy = storage
        let address = withUnsafeBytes(of: &copy) { $0.load(as: sockaddr_in6.self) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var raw = address.sin6_addr
        #expect(inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil)
        #expect(String(cString: text) == "::ffff:10.1.2.3")
        #expect(UInt16(bigEndian: address.sin6_port) == 9993)
    }

    @Test func anIPv4MappedPeerReadsAsIPv4AndOtherFamiliesAsNothing() throws {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = UInt16(4242).bigEndian
        _ = inet_pton(AF_INET6, "::ffff:192.0.2.7", &address.sin6_addr)
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in6.self) }
        #expect(SocketAddress.endpoint(from: storage) == InetEndpoint("192.0.2.7/4242"))
        storage.ss_family = sa_family_t(AF_UNIX)
        #expect(SocketAddress.endpoint(from: storage) == nil)
    }
}
