/// An IP address and UDP port: ZeroTier's `InetAddress` as it travels in HELLO, OK(HELLO), PUSH_DIRECT_PATHS,
/// world root endpoints and network configs (where the port field carries a prefix length instead).
///
/// Binary form: `0x04` ‖ 4 address bytes ‖ port (BE u16), or `0x06` ‖ 16 address bytes ‖ port; a lone `0x00`
/// stands for "no address", which is `nil` on the Swift side. Text form: `10.77.1.1/9993`, `fd00::1/9993`.
public struct InetEndpoint: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    public var ip: IPAddress
    public var port: UInt16

    public init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// Parses `ip/port` with a decimal port 0–65535.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let ip = IPAddress(String(parts[0])),
              (1...5).contains(parts[1].utf8.count),
              parts[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let port = UInt16(parts[1]) else { return nil }
        self.init(ip: ip, port: port)
    }

    public var description: String { "\(ip)/\(port)" }

    /// Wire type bytes of the serialized form.
    enum WireType {
        static let none: UInt8 = 0x00
        static let ipv4: UInt8 = 0x04
        static let ipv6: UInt8 = 0x06
    }

    /// Size of the serialized form of `endpoint` (1 for nil).
    public static func encodedSize(_ endpoint: InetEndpoint?) -> Int {
        switch endpoint?.ip {
        case nil: 1
        case .v4: 7
        case .v6: 19
        }
    }
}

extension ByteReader {
    /// Reads one serialized address as ZeroTier does: `0x00` is nil; `0x04`/`0x06` are IPv4/IPv6 with port.
    /// ZeroTier also accepts, for forward compatibility, types `0x01` and `0x02` (6 further bytes) and `0x03`
    /// (a BE u16 length, then that many bytes); they carry nothing it can use, so they are skipped and read as nil.
    /// Any other type byte throws.
    public mutating func readInetEndpoint() throws(DecodingError) -> InetEndpoint? {
        switch try readUInt8() {
        case InetEndpoint.WireType.none:
            return nil
        case 0x01, 0x02:
            try skip(6)
            return nil
        case 0x03:
            try skip(Int(try readUInt16()))
            return nil
        case InetEndpoint.WireType.ipv4:
            let ip = IPAddress(bytes: try readBytes(4))!
            return InetEndpoint(ip: ip, port: try readUInt16())
        case InetEndpoint.WireType.ipv6:
            let ip = IPAddress(bytes: try readBytes(16))!
            return InetEndpoint(ip: ip, port: try readUInt16())
        case let type:
            throw .invalid("address type 0x\(Hex.encode([type]))")
        }
    }
}

extension ByteWriter {
    /// Writes the serialized form; nil becomes the single byte `0x00`.
    public mutating func write(_ endpoint: InetEndpoint?) {
        guard let endpoint else {
            write(InetEndpoint.WireType.none)
            return
        }
        write(endpoint.ip.isIPv4 ? InetEndpoint.WireType.ipv4 : InetEndpoint.WireType.ipv6)
        write(endpoint.ip.bytes)
        write(endpoint.port)
    }
}
