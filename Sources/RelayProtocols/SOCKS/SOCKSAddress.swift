import NetconRPC

/// ATYP, DST.ADDR and DST.PORT: the address part shared by requests, replies and UDP datagrams (RFC 1928 §5).
enum SOCKSAddress {
    static let ipv4: UInt8 = 1
    static let domainName: UInt8 = 3
    static let ipv6: UInt8 = 4

    /// Decodes the address that starts at `offset`.
    static func decode(_ bytes: some RandomAccessCollection<UInt8>, at offset: Int) throws(SOCKSError) -> Decoded<ProxyDestination> {
        let base = bytes.startIndex
        func byte(_ index: Int) -> UInt8 { bytes[bytes.index(base, offsetBy: index)] }
        func slice(_ from: Int, _ count: Int) -> [UInt8] { (from..<from + count).map(byte) }
        guard bytes.count > offset else { return .incomplete }
        let type = byte(offset)
        let addressLength: Int
        let start: Int
        switch type {
        case ipv4: (addressLength, start) = (4, offset + 1)
        case ipv6: (addressLength, start) = (16, offset + 1)
        case domainName:
            guard bytes.count > offset + 1 else { return .incomplete }
            addressLength = Int(byte(offset + 1))
            guard addressLength > 0 else { throw .malformed("empty domain name") }
            start = offset + 2
        default:
            throw .addressTypeNotSupported(type)
        }
        let end = start + addressLength + 2
        guard bytes.count >= end else { return .incomplete }
        let port = UInt16(byte(end - 2)) << 8 | UInt16(byte(end - 1))
        let host: ProxyDestination.Host
        switch type {
        case ipv4: host = .address(.v4(slice(start, 4)))
        case ipv6: host = .address(.v6(slice(start, 16), scope: 0))
        default:
            let name = slice(start, addressLength)
            // Names are resolved, never interpreted: printable ASCII only (a NUL would cut a C string short).
            guard name.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { throw .malformed("domain name with unprintable bytes") }
            host = .name(String(decoding: name, as: UTF8.self))
        }
        return .complete(ProxyDestination(host: host, port: port), consumed: end - offset)
    }

    static func encode(_ destination: ProxyDestination) -> [UInt8] {
        var bytes: [UInt8]
        switch destination.host {
        case .address(.v4(let address)): bytes = [ipv4] + address
        case .address(.v6(let address, _)): bytes = [ipv6] + address
        case .name(let name):
            let utf8 = Array(name.utf8.prefix(255))
            bytes = [domainName, UInt8(utf8.count)] + utf8
        }
        return bytes + [UInt8(destination.port >> 8), UInt8(destination.port & 0xff)]
    }
}
