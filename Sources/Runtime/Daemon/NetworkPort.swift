import Logging
import NetStack
import Synchronization
import ZeroTier

/// One joined network's virtual Ethernet port: an lwIP interface whose frames go to and come from the
/// ZeroTier engine. This is the only place where the engine and the stack meet.
///
/// Threads: lwIP outputs frames (and multicast group changes) on whatever thread holds its core, usually its
/// tcpip thread; that thread only appends them to the port's `Outbox`. The event loop owns the engine: it
/// takes everything queued at once, hands it to the engine in order, then flushes once, so a burst of
/// frames costs one wakeup and one sendmmsg. Incoming frames are given to lwIP from the event loop (lwIP
/// takes its core lock).
final class NetworkPort {
    let network: NetworkID
    let interface: NetworkInterface
    private let logger: Logger
    private var appliedIPv4: IPPrefix?
    private var appliedGateway: UInt32?
    private var appliedIPv6: Set<IPPrefix> = []

    /// - Parameters:
    ///   - send: called on the event loop with each frame lwIP sent (destination, source, ethertype, payload)
    ///     and the multicast ADI ZeroTier addresses it with (the target IPv4 for ARP requests).
    ///   - subscribe: called on the event loop, in order with the frames, when lwIP joins or leaves a group.
    ///   - flush: called on the event loop after each batch of `send`/`subscribe` calls.
    init(network: NetworkID, mac: MAC, mtu: Int, loop: EventLoop, logger: Logger,
         send: @escaping (_ frame: EthernetFrame, _ adi: UInt32) -> Void,
         subscribe: @escaping (_ group: MulticastGroup, _ joined: Bool) -> Void,
         flush: @escaping () -> Void) throws(NetconError) {
        self.network = network
        self.logger = logger
        do {
            interface = try NetworkInterface(mac: MACAddress(rawValue: mac.rawValue)!, mtu: mtu)
        } catch {
            throw .invalidArgument("cannot create the stack for \(network): \(error)")
        }
        let outbox = Outbox(loop: loop, send: send, subscribe: subscribe, flush: flush)
        interface.onOutput = { bytes in
            guard let frame = EthernetFrame(bytes) else { return }
            outbox.append(.frame(frame))
        }
        interface.onMulticastChange = { change in
            switch change {
            case .joined(let mac): outbox.append(.subscription(MulticastGroup(mac: MAC(rawValue: mac.rawValue)!, adi: 0), joined: true))
            case .left(let mac): outbox.append(.subscription(MulticastGroup(mac: MAC(rawValue: mac.rawValue)!, adi: 0), joined: false))
            }
        }
    }

    /// Frames the engine received for this network, in order: lwIP processes them on the calling (loop)
    /// thread as one input batch, so a batch of datagrams reaches each program's socket in one write and
    /// without a thread hand-off. What lwIP sends meanwhile (ACKs) is queued in the outbox and flushed after.
    func deliver(_ frames: ArraySlice<ReceivedFrame>) {
        var header = [UInt8](repeating: 0, count: EthernetFrame.headerLength)
        Stack.withInputBatch {
            for frame in frames {
                EthernetFrame.storeHeader(destination: frame.destination, source: frame.source, etherType: frame.etherType,
                                          in: &header)
                do {
                    try header.withUnsafeBytes { header in
                        try frame.payload.withUnsafeBytes { payload in try interface.inputNow(header: header, payload: payload) }
                    }
                } catch {
                    logger.debug("stack refused a frame", metadata: ["network.id": "\(network)", "error": "\(error)"])
                }
            }
        }
    }

    /// Applies a (new) network config: MTU, addresses, link up. Returns the IPv4 address now assigned, whose
    /// ARP group the engine must announce.
    @discardableResult
    func apply(_ config: NetworkConfig) -> IPPrefix? {
        try? interface.setMTU(config.mtu)
        let ipv4 = config.assignedIPv4.first
        // A route through a gateway on our subnet (a default route to an exit node, say) makes this interface
        // lwIP's way to everything off its subnet.
        let gateway: UInt32? = ipv4.flatMap { prefix in
            config.routes.lazy.compactMap { route -> UInt32? in
                guard route.target.ip.isIPv4, let via = route.via, prefix.network.contains(via), case .v4(let value) = via else { return nil }
                return value
            }.first
        }
        if ipv4 != appliedIPv4 || gateway != appliedGateway {
            if let ipv4, case .v4(let value) = ipv4.ip {
                try? interface.setIPv4(address: IPv4Address(rawValue: value), prefixLength: Int(ipv4.prefixLength),
                                       gateway: gateway.map(IPv4Address.init(rawValue:)))
            } else {
                interface.removeIPv4()
            }
            appliedIPv4 = ipv4
            appliedGateway = gateway
            if gateway != nil { interface.setDefault(true) }
        }
        let ipv6 = Set(config.assignedIPv6)
        for gone in appliedIPv6.subtracting(ipv6) {
            if let address = IPv6Address(bytes: gone.ip.bytes) { try? interface.removeIPv6(address: address) }
        }
        for added in ipv6.subtracting(appliedIPv6) {
            if let address = IPv6Address(bytes: added.ip.bytes) { try? interface.addIPv6(address: address, prefixLength: Int(added.prefixLength)) }
        }
        appliedIPv6 = ipv6
        interface.up()
        interface.setLinkUp(true)
        return ipv4
    }

    /// The controller took the config away: no addresses, link down.
    func revoke() {
        interface.setLinkUp(false)
        interface.removeIPv4()
        for prefix in appliedIPv6 {
            if let address = IPv6Address(bytes: prefix.ip.bytes) { try? interface.removeIPv6(address: address) }
        }
        appliedIPv4 = nil
        appliedGateway = nil
        appliedIPv6 = []
    }

    func close() { interface.close() }
}

/// What lwIP output and the event loop has not handed to the engine yet.
///
/// Threading rule: `append` runs on lwIP's side (the thread holding its core) and does nothing but queue
/// under the lock — it never touches the engine and never blocks on the loop. Only the append that finds the
/// queue empty wakes the loop; `drain`, on the loop, swaps the whole queue out and is the only caller of the
/// engine closures. Unchecked Sendable: the closures are only called from `drain`, on the loop.
private final class Outbox: @unchecked Sendable {
    enum Item {
        case frame(EthernetFrame)
        case subscription(MulticastGroup, joined: Bool)
    }

    private let loop: EventLoop
    private let send: (EthernetFrame, UInt32) -> Void
    private let subscribe: (MulticastGroup, Bool) -> Void
    private let flush: () -> Void
    private let queued = Mutex<[Item]>([])
    /// The loop's side of the swap: keeps its capacity from batch to batch (loop thread only).
    private var taken: [Item] = []
    private var thinning = AcknowledgementThinning()

    init(loop: EventLoop, send: @escaping (EthernetFrame, UInt32) -> Void,
         subscribe: @escaping (MulticastGroup, Bool) -> Void, flush: @escaping () -> Void) {
        self.loop = loop
        self.send = send
        self.subscribe = subscribe
        self.flush = flush
    }

    /// Frames waiting for the loop at most, like a NIC's transmit ring: TCP's windows keep far below it, but
    /// a program flooding UDP faster than the engine can send would otherwise queue without bound (seen:
    /// 650 MiB). Frames past it are dropped, as a full ring drops them; group changes never are.
    static let capacity = 8192

    /// Any thread (lwIP's).
    func append(_ item: Item) {
        let wasEmpty = queued.withLock { items -> Bool in
            if case .frame = item, items.count >= Self.capacity { return false }
            items.append(item)
            return items.count == 1
        }
        if wasEmpty { loop.execute { self.drain() } }
    }

    /// Loop thread: everything queued so far, in order, then one flush. Pure TCP acknowledgements that a later
    /// one in the same batch makes redundant are left out.
    private func drain() {
        loop.preconditionInLoop()
        queued.withLock { swap(&$0, &taken) }
        thinning.mark(count: taken.count) { index in
            guard case .frame(let frame) = taken[index] else { return (0, []) }
            return (frame.etherType, frame.payload)
        }
        for (index, item) in taken.enumerated() {
            switch item {
            case .frame(let frame):
                if thinning.superseded[index] == 0 { send(frame, frame.multicastADI) }
            case .subscription(let group, let joined): subscribe(group, joined)
            }
        }
        taken.removeAll(keepingCapacity: true)
        flush()
    }
}

/// Carries a closure that is only ever called on the event loop across lwIP's thread boundary.
struct SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
