extension NetworkConfig {
    /// A route a member installs for the network (`RT`): traffic for `target` goes onto the ZeroTier
    /// interface, to the gateway `via` if there is one.
    ///
    /// Serialized as target `InetAddress` (port field = prefix length) ‖ via `InetAddress` (`00` when none)
    /// ‖ flags (BE u16) ‖ metric (BE u16). A `via` port is not kept (controllers write 0).
    public struct Route: Hashable, Sendable {
        public var target: IPPrefix
        public var via: IPAddress?
        public var flags: UInt16
        public var metric: UInt16

        public init(target: IPPrefix, via: IPAddress? = nil, flags: UInt16 = 0, metric: UInt16 = 0) {
            self.target = target
            self.via = via
            self.flags = flags
            self.metric = metric
        }

        /// Reads one route; nil (after consuming it) for a route whose target is no IP address.
        static func read(from reader: inout ByteReader) throws(DecodingError) -> Route? {
            let target = try reader.readIPPrefix()
            let via = try reader.readInetEndpoint()?.ip
            let flags = try reader.readUInt16()
            let metric = try reader.readUInt16()
            return target.map { Route(target: $0, via: via, flags: flags, metric: metric) }
        }

        func write(to writer: inout ByteWriter) {
            writer.write(target)
            writer.write(via.map { InetEndpoint(ip: $0, port: 0) })
            writer.write(flags)
            writer.write(metric)
        }
    }
}
