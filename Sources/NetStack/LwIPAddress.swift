import CLwIP

// Conversions between NetStack's address types and lwIP's ip_addr_t, whose layout stays in the C shim.

extension IPAddress {
    /// Calls `body` with this address as an lwIP ip_addr_t. A link-local IPv6 address is scoped to `netif`.
    func withLwIP<R>(zone netif: UnsafeMutablePointer<netif>?, _ body: (UnsafePointer<ip_addr_t>) -> R) -> R {
        var address = ip_addr_t()
        let bytes = self.bytes
        let version: Int32
        switch self {
        case .v4: version = 4
        case .v6: version = 6
        }
        bytes.withUnsafeBufferPointer { netcon_lwip_ip_make(&address, version, $0.baseAddress, netif) }
        return withUnsafePointer(to: &address) { body($0) }
    }

    init(lwip address: UnsafePointer<ip_addr_t>) {
        var bytes = [UInt8](repeating: 0, count: 16)
        let version = bytes.withUnsafeMutableBufferPointer { netcon_lwip_ip_read(address, $0.baseAddress) }
        if version == 4 {
            self = .v4(IPv4Address(bytes: bytes[0..<4])!)
        } else {
            self = .v6(IPv6Address(bytes: bytes)!)
        }
    }

    /// lwIP's address type tag for pcbs of this family.
    var lwipType: UInt8 {
        switch self {
        case .v4: UInt8(IPADDR_TYPE_V4.rawValue)
        case .v6: UInt8(IPADDR_TYPE_V6.rawValue)
        }
    }
}
