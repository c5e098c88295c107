/// PUSH_DIRECT_PATHS (verb 0x10): a peer listing physical addresses it can be reached at directly.
///
/// | size | field |
/// |---|---|
/// | 2 | number of paths |
/// | per path | flags (1), extension length (2) and bytes, address type (1), address length (1), address |
///
/// Address type 4 is IPv4 with port (length 6: 4 address bytes, BE u16 port), type 6 IPv6 with port
/// (length 18). Other types are carried but unusable. Bytes after the last path are ignored.
public struct PushDirectPathsMessage: WireMessage {
    public static let verb = Verb.pushDirectPaths

    public struct Path: Hashable, Sendable {
        /// 0x01 forget this path, 0x02 cluster redirect (prefer it).
        public var flags: UInt8
        public var extensionBytes: [UInt8]
        public var addressType: UInt8
        /// The address field exactly as sent (its length is the address length byte).
        public var addressBytes: [UInt8]

        public static let forgetFlag: UInt8 = 0x01
        public static let clusterRedirectFlag: UInt8 = 0x02

        public init(flags: UInt8, extensionBytes: [UInt8] = [], addressType: UInt8, addressBytes: [UInt8]) {
            precondition(extensionBytes.count <= Int(UInt16.max) && addressBytes.count <= Int(UInt8.max))
            self.flags = flags
            self.extensionBytes = extensionBytes
            self.addressType = addressType
            self.addressBytes = addressBytes
        }

        public init(flags: UInt8 = 0, endpoint: InetEndpoint) {
            let ip = endpoint.ip.bytes
            self.init(flags: flags, addressType: endpoint.ip.isIPv4 ? 4 : 6,
                      addressBytes: ip + [UInt8(endpoint.port >> 8), UInt8(truncatingIfNeeded: endpoint.port)])
        }

        /// The address as an endpoint: type 4 with at least 6 bytes, or type 6 with at least 18; nil otherwise.
        public var endpoint: InetEndpoint? {
            let ipLength: Int
            switch addressType {
            case 4: ipLength = 4
            case 6: ipLength = 16
            default: return nil
            }
            guard addressBytes.count >= ipLength + 2, let ip = IPAddress(bytes: addressBytes[0..<ipLength]) else { return nil }
            let port = UInt16(addressBytes[ipLength]) << 8 | UInt16(addressBytes[ipLength + 1])
            return InetEndpoint(ip: ip, port: port)
        }
    }

    public var paths: [Path]

    public init(paths: [Path]) {
        precondition(paths.count <= Int(UInt16.max))
        self.paths = paths
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        let count = Int(try reader.readUInt16())
        var paths = [Path]()
        for _ in 0..<count {
            let flags = try reader.readUInt8()
            let extensionBytes = try reader.readBytes(Int(try reader.readUInt16()))
            let type = try reader.readUInt8()
            let addressBytes = try reader.readBytes(Int(try reader.readUInt8()))
            paths.append(Path(flags: flags, extensionBytes: extensionBytes, addressType: type, addressBytes: addressBytes))
        }
        self.paths = paths
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(UInt16(paths.count))
        for path in paths {
            writer.write(path.flags)
            writer.write(UInt16(path.extensionBytes.count))
            writer.write(path.extensionBytes)
            writer.write(path.addressType)
            writer.write(UInt8(path.addressBytes.count))
            writer.write(path.addressBytes)
        }
    }
}
