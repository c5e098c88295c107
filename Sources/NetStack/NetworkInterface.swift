import CLwIP

/// One Ethernet interface of the user-space stack: an lwIP netif (ARP, IPv4, IPv6 with ND and MLD) whose
/// wire is whatever the owner makes of `onOutput` and `input(frame:)` — for netcon, one ZeroTier network.
///
/// Threads: `input(frame:)` may be called from any thread (the frame is queued for lwIP's tcpip thread).
/// `onOutput` and `onMulticastChange` are driver callbacks: they run on the thread that holds the lwIP core
/// (usually the tcpip thread) in the middle of lwIP's work, so they must not block and must not call back
/// into NetStack — hand the frame to another thread (calling in traps). Everything else takes the core lock.
/// Address and MAC changes abort connections, so they trap when made from a handler on lwIP's own thread;
/// `close()` there is deferred to just after lwIP's current processing.
///
/// Addresses: lwIP 2.1 keeps one IPv4 address per netif. A second IPv4 address on the same network is a
/// second `NetworkInterface` with the same MAC fed the same frames (an alias): each accepts unicast only for its
/// own address and ARP is answered only by the owner, but broadcasts and multicasts reach both (a socket bound
/// to no interface sees them twice), and the alias should drop its link-local IPv6 address (`removeIPv6`), or
/// both answer neighbor solicitations for it. NetStack does not hide this; the daemon decides. IPv6 addresses
/// are static (state preferred, no duplicate address detection: ZeroTier MACs
/// are unique per network); slot 0 holds the link-local address derived from the MAC. lwIP has no prefix
/// length for an address: a destination is on-link when it shares the /64 of one of them (ZeroTier's
/// rfc4193 /88 and 6plane /80 networks fall inside that); the prefix length is kept here for reporting.
///
/// Input filter: lwIP 2.1 is a weak host and Debian builds it with IPv4 and IPv6 forwarding, so each interface
/// drops unicast IP not addressed to one of its own addresses — one network can neither reach another's
/// addresses through us nor be routed into it.
public final class NetworkInterface: @unchecked Sendable {
    // @unchecked: the vars below are read and written only with the lwIP core held.

    /// A multicast MAC lwIP starts or stops wanting frames for (IGMP/MLD groups, including the solicited-node
    /// groups of IPv6 neighbor discovery). Broadcast is always wanted and never reported.
    public enum MulticastChange: Hashable, Sendable {
        case joined(MACAddress)
        case left(MACAddress)
    }

    public struct IPv4Configuration: Hashable, Sendable {
        public var address: IPv4Address
        public var prefixLength: Int
        public var gateway: IPv4Address?

        public init(address: IPv4Address, prefixLength: Int, gateway: IPv4Address? = nil) {
            self.address = address
            self.prefixLength = prefixLength
            self.gateway = gateway
        }
    }

    public struct IPv6Configuration: Hashable, Sendable {
        public var address: IPv6Address
        public var prefixLength: Int

        public init(address: IPv6Address, prefixLength: Int) {
            self.address = address
            self.prefixLength = prefixLength
        }
    }

    /// The callbacks' context: outlives every callback because the netif is removed (callbacks cleared, under
    /// the core) in `close()`, before the interface — and with it this object — goes away.
    final class Driver: @unchecked Sendable {
        var onOutput: (@Sendable ([UInt8]) -> Void)?
        var onMulticastChange: (@Sendable (MulticastChange) -> Void)?
        /// Wanted multicast MACs, counted: several IP groups can map to one MAC.
        var multicast: [MACAddress: Int] = [:]

        func multicastChanged(_ mac: MACAddress, joined: Bool) {
            let count = multicast[mac, default: 0]
            if joined {
                multicast[mac] = count + 1
                if count == 0 { onMulticastChange?(.joined(mac)) }
            } else if count > 0 {
                multicast[mac] = count == 1 ? nil : count - 1
                if count == 1 { onMulticastChange?(.left(mac)) }
            }
        }
    }

    private let handle: OpaquePointer
    private let driver = Driver()
    private var closed = false
    private var macAddress: MACAddress
    private var mtuValue: Int
    private var ipv4Configuration: IPv4Configuration?
    private var ipv6PrefixLengths: [IPv6Address: Int] = [:]

    /// Adds an interface to lwIP: administratively down, link up, a link-local IPv6 address, no IPv4.
    /// `mtu` is the Ethernet payload size (ZeroTier's default is 2800; TCP connections send segments up to
    /// the MTU minus the headers once established, see `Stack.limits`).
    public init(mac: MACAddress, mtu: Int = 2800) throws(NetStackError) {
        guard (576...0xFFF0).contains(mtu) else { throw .invalidArgument }
        macAddress = mac
        mtuValue = mtu
        let context = Unmanaged.passUnretained(driver).toOpaque()
        let created = mac.bytes.withUnsafeBufferPointer { mac in
            netcon_lwip_netif_new(
                mac.baseAddress, UInt16(mtu), context,
                { context, frame, length in
                    let driver = Unmanaged<Driver>.fromOpaque(context!).takeUnretainedValue()
                    guard let onOutput = driver.onOutput, let frame else { return }
                    onOutput(Array(UnsafeBufferPointer(start: frame, count: length)))
                },
                { context, mac, joined in
                    let driver = Unmanaged<Driver>.fromOpaque(context!).takeUnretainedValue()
                    guard let mac, let address = MACAddress(bytes: UnsafeBufferPointer(start: mac, count: 6))
                    else { return }
                    driver.multicastChanged(address, joined: joined != 0)
                })
        }
        guard let created else { throw .outOfMemory }
        handle = created
        let err = Stack.withCoreLock { netcon_lwip_netif_add(handle) }
        // On failure deinit runs (all stored properties are set) and gives the handle back.
        try LwIPError.check(err)
    }

    deinit {
        close()
        netcon_lwip_netif_release(handle)
    }

    /// Removes the netif from lwIP. TCP connections using its addresses are aborted (their `closed` handler
    /// runs, their RSTs still go out through `onOutput` during this call); after it returns no `onOutput` or
    /// `onMulticastChange` call follows and frames still queued are dropped. Idempotent.
    ///
    /// Called from a handler on lwIP's thread (or when the last reference goes there), lwIP may be in the
    /// middle of a connection this aborts: then the callbacks stop and input is refused at once, and the
    /// netif leaves lwIP right after the current processing (without sending those RSTs).
    public func close() {
        Stack.withCoreLock {
            guard !closed else { return }
            closed = true
            if netcon_lwip_on_tcpip_thread() != 0 {
                netcon_lwip_netif_remove_soon(handle)
            } else {
                netcon_lwip_netif_remove(handle)
            }
            driver.onOutput = nil
            driver.onMulticastChange = nil
            driver.multicast = [:]
        }
    }

    public var isClosed: Bool { Stack.withCoreLock { closed } }

    // MARK: Frames

    /// Each Ethernet frame lwIP sends. Driver callback: runs on the thread holding the core, must not block
    /// or call into NetStack.
    public var onOutput: (@Sendable ([UInt8]) -> Void)? {
        get { Stack.withCoreLock { driver.onOutput } }
        set { Stack.withCoreLock { if !closed { driver.onOutput = newValue } } }
    }

    /// Multicast MACs lwIP starts or stops wanting. Setting it replays the current ones as `.joined` (inside
    /// the setter), so nothing is missed. Driver callback, like `onOutput`.
    public var onMulticastChange: (@Sendable (MulticastChange) -> Void)? {
        get { Stack.withCoreLock { driver.onMulticastChange } }
        set {
            Stack.withCoreLock {
                guard !closed else { return }
                driver.onMulticastChange = newValue
                for mac in driver.multicast.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                    newValue?(.joined(mac))
                }
            }
        }
    }

    /// The multicast MACs lwIP currently wants frames for.
    public var multicastSubscriptions: Set<MACAddress> { Stack.withCoreLock { Set(driver.multicast.keys) } }

    /// Hands one received Ethernet frame to lwIP; any thread, never blocks on the core lock. Throws `.closed`
    /// after `close()`, `.outOfMemory` when lwIP's mailbox is full (the frame is dropped, like a full NIC
    /// ring), `.invalidArgument` for a frame shorter than an Ethernet header.
    public func input(frame: UnsafeRawBufferPointer) throws(NetStackError) {
        let err = netcon_lwip_netif_input(
            handle, frame.baseAddress?.assumingMemoryBound(to: UInt8.self), frame.count)
        try LwIPError.check(err)
    }

    /// Core held (call inside one `Stack.withCoreLock` per batch): lwIP processes the frame — a 14-byte
    /// Ethernet header and its payload — on this thread before this returns, instead of on its own thread
    /// later. Handlers that run meanwhile see this thread as lwIP's (no address or netif changes from them).
    public func inputNow(header: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) throws(NetStackError) {
        Stack.preconditionCoreHeld()
        precondition(header.count == 14, "an Ethernet header is 14 bytes")
        let err = netcon_lwip_netif_input_now(handle, header.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                              payload.baseAddress?.assumingMemoryBound(to: UInt8.self), payload.count)
        try LwIPError.check(err)
    }

    public func input(frame: [UInt8]) throws(NetStackError) {
        let err = frame.withUnsafeBufferPointer { netcon_lwip_netif_input(handle, $0.baseAddress, $0.count) }
        try LwIPError.check(err)
    }

    // MARK: Link

    public var mac: MACAddress { Stack.withCoreLock { macAddress } }

    /// Changes the MAC; the link-local IPv6 address follows it.
    public func setMAC(_ mac: MACAddress) {
        Stack.withCoreLock {
            guard !closed else { return }
            Self.preconditionNotInLwIPProcessing()
            macAddress = mac
            mac.bytes.withUnsafeBufferPointer { netcon_lwip_netif_set_mac(handle, $0.baseAddress) }
        }
    }

    public var mtu: Int { Stack.withCoreLock { mtuValue } }

    public func setMTU(_ mtu: Int) throws(NetStackError) {
        guard (576...0xFFF0).contains(mtu) else { throw .invalidArgument }
        Stack.withCoreLock {
            guard !closed else { return }
            mtuValue = mtu
            netcon_lwip_netif_set_mtu(handle, UInt16(mtu))
        }
    }

    /// Administratively up: lwIP sends and accepts frames (with the link up too).
    public func up() { Stack.withCoreLock { if !closed { netcon_lwip_netif_set_up(handle, 1) } } }

    /// Administratively down: frames in and out are dropped; connects through it fail with
    /// `.networkUnreachable`. Established connections are not torn down; they time out unless it comes back.
    public func down() { Stack.withCoreLock { if !closed { netcon_lwip_netif_set_up(handle, 0) } } }

    /// Link (carrier) state; starts up. Down behaves like `down()` for traffic.
    public func setLinkUp(_ up: Bool) {
        Stack.withCoreLock { if !closed { netcon_lwip_netif_set_link_up(handle, up ? 1 : 0) } }
    }

    public var isUp: Bool { Stack.withCoreLock { !closed && netcon_lwip_netif_is_up(handle) != 0 } }
    public var isLinkUp: Bool { Stack.withCoreLock { !closed && netcon_lwip_netif_is_link_up(handle) != 0 } }

    /// lwIP's default netif: where traffic from unbound sockets goes when no interface's subnet matches.
    public func setDefault(_ isDefault: Bool) {
        Stack.withCoreLock { if !closed { netcon_lwip_netif_set_default(handle, isDefault ? 1 : 0) } }
    }

    public var isDefault: Bool { Stack.withCoreLock { !closed && netcon_lwip_netif_is_default(handle) != 0 } }

    // MARK: Addresses

    public var ipv4: IPv4Configuration? { Stack.withCoreLock { ipv4Configuration } }

    /// Sets the interface's one IPv4 address (replacing the previous one: lwIP aborts TCP connections bound
    /// to that). `gateway` is where off-subnet traffic goes.
    public func setIPv4(address: IPv4Address, prefixLength: Int, gateway: IPv4Address? = nil)
        throws(NetStackError)
    {
        guard (0...32).contains(prefixLength), address != .any else { throw .invalidArgument }
        try Stack.withCoreLock { () throws(NetStackError) in
            guard !closed else { throw .closed }
            let mask = IPv4Address.netmask(prefixLength: prefixLength)
            setLwIPv4(address, mask, gateway ?? .any)
            ipv4Configuration = IPv4Configuration(address: address, prefixLength: prefixLength, gateway: gateway)
        }
    }

    /// Removes the IPv4 address (TCP connections bound to it are aborted).
    public func removeIPv4() {
        Stack.withCoreLock {
            guard !closed, ipv4Configuration != nil else { return }
            setLwIPv4(.any, .any, .any)
            ipv4Configuration = nil
        }
    }

    /// Address changes abort the TCP connections using the old address; on lwIP's thread one of those could
    /// be the connection lwIP is processing, which it would then use after freeing.
    private static func preconditionNotInLwIPProcessing() {
        precondition(
            netcon_lwip_on_tcpip_thread() == 0,
            "NetStack: change interface addresses or the MAC from outside NetStack's handlers")
    }

    private func setLwIPv4(_ address: IPv4Address, _ mask: IPv4Address, _ gateway: IPv4Address) {
        Self.preconditionNotInLwIPProcessing()
        let a = address.bytes, m = mask.bytes, g = gateway.bytes
        netcon_lwip_netif_set_ipv4(handle, a, m, g)
    }

    /// All valid IPv6 addresses, the link-local one first.
    public var ipv6: [IPv6Configuration] {
        Stack.withCoreLock {
            guard !closed else { return [] }
            let capacity = Stack.limits.ipv6AddressesPerInterface
            var bytes = [UInt8](repeating: 0, count: 16 * capacity)
            let count = Int(netcon_lwip_netif_ipv6_addresses(handle, &bytes, Int32(capacity)))
            return (0..<min(count, capacity)).map { i in
                let address = IPv6Address(bytes: bytes[16 * i..<16 * (i + 1)])!
                return IPv6Configuration(address: address, prefixLength: ipv6PrefixLengths[address] ?? 64)
            }
        }
    }

    /// Adds a static IPv6 address (preferred at once; its solicited-node group is joined). Already present:
    /// only the recorded prefix length changes. `.addressTableFull` when every slot is taken.
    public func addIPv6(address: IPv6Address, prefixLength: Int) throws(NetStackError) {
        guard (1...128).contains(prefixLength), address != .any, !address.isMulticast else {
            throw .invalidArgument
        }
        try Stack.withCoreLock { () throws(NetStackError) in
            guard !closed else { throw .closed }
            let err = address.bytes.withUnsafeBufferPointer { netcon_lwip_netif_add_ipv6(handle, $0.baseAddress) }
            if err == LwIPError.value { throw .addressTableFull }
            try LwIPError.check(err)
            ipv6PrefixLengths[address] = prefixLength
        }
    }

    /// Removes an IPv6 address (TCP connections using it are aborted). `.invalidArgument` if it is not there.
    public func removeIPv6(address: IPv6Address) throws(NetStackError) {
        try Stack.withCoreLock { () throws(NetStackError) in
            guard !closed else { throw .closed }
            Self.preconditionNotInLwIPProcessing()
            let err = address.bytes.withUnsafeBufferPointer {
                netcon_lwip_netif_remove_ipv6(handle, $0.baseAddress)
            }
            try LwIPError.check(err)
            ipv6PrefixLengths[address] = nil
        }
    }

    // MARK: For sockets (core held)

    /// The lwIP netif while the interface is open.
    var lwipNetif: UnsafeMutablePointer<netif>? {
        Stack.preconditionCoreHeld()
        return closed ? nil : netcon_lwip_netif_raw(handle)
    }

    /// Whether traffic to `destination` can leave through this interface now: open, up, link up, and with an
    /// IPv4 address for an IPv4 destination (IPv6 always has its link-local address).
    func canSend(to destination: IPAddress) -> Bool {
        Stack.preconditionCoreHeld()
        guard !closed, netcon_lwip_netif_is_up(handle) != 0, netcon_lwip_netif_is_link_up(handle) != 0 else {
            return false
        }
        if case .v4 = destination { return ipv4Configuration != nil }
        return true
    }
}
