import CLwIP

extension Stack {
    /// The build-time limits of the lwIP netcon links against (Debian's lwipopts.h). They cannot be changed
    /// without rebuilding lwIP, and netcon must be compiled against the same lwipopts.h as the library.
    public struct Limits: Sendable, Equatable {
        /// Largest TCP segment lwIP advertises in its SYNs (TCP_MSS); netcon raises what a SYN says to the
        /// interface MTU minus the headers and sends segments up to what the peer's SYN allows.
        public var tcpMSS: Int
        /// Receive window per TCP connection in lwipopts.h (TCP_WND) — until the connection is established.
        public var tcpWindow: Int
        /// The receive window netcon gives an established connection whose peer scales windows (its SYN's
        /// window-scale option is rewritten to allow it; see CLwIP's tcp_window.c).
        public var connectionWindow: Int
        /// The send buffer netcon gives an established connection (lwIP's TCP_SND_QUEUELEN pbufs still bound
        /// what is queued).
        public var connectionSendBuffer: Int
        /// Send buffer per TCP connection (TCP_SND_BUF): what `TCPConnection.send` can accept at most.
        public var tcpSendBuffer: Int
        /// pbufs a TCP connection may queue for sending (TCP_SND_QUEUELEN).
        public var tcpSendQueueLength: Int
        /// Free send buffer at which `writable` fires (TCP_SNDLOWAT).
        public var tcpSendLowWater: Int
        /// IPv6 addresses per interface, slot 0 being the link-local one (LWIP_IPV6_NUM_ADDRESSES).
        public var ipv6AddressesPerInterface: Int
        /// IPv4 neighbors cached across all interfaces (ARP_TABLE_SIZE).
        public var arpTableSize: Int
        /// IPv6 neighbors cached across all interfaces (LWIP_ND6_NUM_NEIGHBORS).
        public var ipv6Neighbors: Int
        /// IPv6 destination cache entries across all interfaces (LWIP_ND6_NUM_DESTINATIONS).
        public var ipv6Destinations: Int
        /// Fragments held for IPv4/IPv6 reassembly across all interfaces (IP_REASS_MAX_PBUFS).
        public var reassemblyFragments: Int
        /// Whether lwIP's pools come from malloc (MEMP_MEM_MALLOC): no fixed caps on pcbs or pbufs.
        public var poolsFromMalloc: Bool

        init(_ c: netcon_lwip_limits) {
            tcpMSS = Int(c.tcp_mss)
            tcpWindow = Int(c.tcp_wnd)
            tcpSendBuffer = Int(c.tcp_snd_buf)
            connectionWindow = Int(c.connection_wnd)
            connectionSendBuffer = Int(c.connection_snd_buf)
            tcpSendQueueLength = Int(c.tcp_snd_queuelen)
            tcpSendLowWater = Int(c.tcp_sndlowat)
            ipv6AddressesPerInterface = Int(c.ipv6_addresses)
            arpTableSize = Int(c.arp_table_size)
            ipv6Neighbors = Int(c.nd6_neighbors)
            ipv6Destinations = Int(c.nd6_destinations)
            reassemblyFragments = Int(c.ip_reass_max_pbufs)
            poolsFromMalloc = c.mem_malloc != 0
        }
    }
}
