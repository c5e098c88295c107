extension NetworkConfig {
    /// DNS settings a controller pushes to members (`DNS`): a search domain and up to four servers.
    ///
    /// Always serialized, as a 128-byte NUL-padded domain (at most 127 bytes of text) ‖ four `InetAddress`
    /// (`00` for an empty slot); all zero means "no DNS settings", which is `dns == nil`. Server ports are
    /// not kept (controllers write 0).
    public struct DNS: Hashable, Sendable {
        public static let domainFieldBytes = 128
        public static let maxServers = 4

        public var domain: String
        public var servers: [IPAddress]

        public init(domain: String, servers: [IPAddress]) {
            precondition(servers.count <= Self.maxServers, "at most \(Self.maxServers) DNS servers")
            self.domain = domain
            self.servers = servers
        }

        /// nil for the all-empty form.
        static func read(from reader: inout ByteReader) throws(DecodingError) -> DNS? {
            let domain = BoundedText.decode(try reader.readBytes(domainFieldBytes), limit: domainFieldBytes - 1)
            var servers = [IPAddress]()
            for _ in 0..<maxServers {
                if let server = try reader.readInetEndpoint() { servers.append(server.ip) }
            }
            return domain.isEmpty && servers.isEmpty ? nil : DNS(domain: domain, servers: servers)
        }

        static func write(_ dns: DNS?, to writer: inout ByteWriter) {
            var field = BoundedText.encode(dns?.domain ?? "", limit: domainFieldBytes - 1)
            field += [UInt8](repeating: 0, count: domainFieldBytes - field.count)
            writer.write(field)
            let servers = dns?.servers ?? []
            for slot in 0..<maxServers {
                writer.write(slot < servers.count ? InetEndpoint(ip: servers[slot], port: 0) : nil)
            }
        }
    }
}
