import NetconRPC

/// The PROXY protocol version 2 header (HAProxy's proxy-protocol.txt §2.2) in front of a relayed TCP connection,
/// so the host service learns the member's address: the signature, version 2 / PROXY, TCP over IPv4 or IPv6,
/// then source and destination address and port.
public struct ProxyProtocolHeader: Equatable, Sendable {
    public var source: RPCEndpoint
    public var destination: RPCEndpoint

    static let signature: [UInt8] = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]
    static let versionProxy: UInt8 = 0x21
    static let tcpOverIPv4: UInt8 = 0x11
    static let tcpOverIPv6: UInt8 = 0x21

    /// - Precondition: both endpoints have addresses of one family (an accepted connection's always do).
    public init(source: RPCEndpoint, destination: RPCEndpoint) {
        self.source = source
        self.destination = destination
    }

    public var bytes: [UInt8] {
        guard let from = source.address, let to = destination.address, from.family == to.family else {
            // LOCAL with no address: the service treats the connection as its own (never produced for accepted ones).
            return Self.signature + [0x20, 0x00, 0x00, 0x00]
        }
        let family = if case .v4 = from { Self.tcpOverIPv4 } else { Self.tcpOverIPv6 }
        let body = from.bytes + to.bytes + [UInt8(source.port >> 8), UInt8(source.port & 0xff),
                                            UInt8(destination.port >> 8), UInt8(destination.port & 0xff)]
        return Self.signature + [Self.versionProxy, family, UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body
    }

    /// Reads a header as a service would (tests and the fuzzer hold `bytes` to it); nil when it is not one.
    public static func decode(_ bytes: some RandomAccessCollection<UInt8>) -> Decoded<ProxyProtocolHeader>? {
        let head = Array(bytes.prefix(16))
        guard head.count == 16 else { return head == Array(signature.prefix(head.count)) ? .incomplete : nil }
        guard Array(head[0..<12]) == signature, head[12] == versionProxy else { return nil }
        let length = Int(head[14]) << 8 | Int(head[15])
        let addressLength = head[13] == tcpOverIPv4 ? 4 : head[13] == tcpOverIPv6 ? 16 : 0
        guard addressLength > 0, length >= 2 * addressLength + 4 else { return nil }
        guard bytes.count >= 16 + length else { return .incomplete }
        let body = Array(bytes.dropFirst(16).prefix(length))
        func address(_ at: Int) -> RPCAddress {
            addressLength == 4 ? .v4(Array(body[at..<at + 4])) : .v6(Array(body[at..<at + 16]), scope: 0)
        }
        let ports = 2 * addressLength
        return .complete(ProxyProtocolHeader(
            source: RPCEndpoint(address: address(0), port: UInt16(body[ports]) << 8 | UInt16(body[ports + 1])),
            destination: RPCEndpoint(address: address(addressLength), port: UInt16(body[ports + 2]) << 8 | UInt16(body[ports + 3]))),
                         consumed: 16 + length)
    }
}
