import Logging
import NetStack
import ZeroTier

/// One joined network's virtual Ethernet port: an lwIP interface whose frames go to and come from the
/// ZeroTier engine. This is the only place where the engine and the stack meet.
///
/// Threads: lwIP hands outgoing frames over on its tcpip thread; they are queued onto the event loop,
/// which owns the engine. Incoming frames are given to lwIP from the event loop (lwIP takes its core lock).
final class NetworkPort {
    let network: NetworkID
    let interface: NetworkInterface
    private let logger: Logger
    private var appliedIPv4: IPPrefix?
    private var appliedIPv6: Set<IPPrefix> = []

    /// - Parameter send: called on the event loop with each frame lwIP sends (destination, source, ethertype,
    ///   payload) and the multicast ADI ZeroTier addresses it with (the target IPv4 for ARP requests).
    init(network: NetworkID, mac: MAC, mtu: Int, loop: EventLoop, logger: Logger,
         send: @escaping (_ frame: EthernetFrame, _ adi: UInt32) -> Void,
         subscribe: @escaping (_ group: MulticastGroup, _ joined: Bool) -> Void) throws(NetconError) {
        self.network = network
        self.logger = logger
        do {
            interface = try NetworkInterface(mac: MACAddress(rawValue: mac.rawValue)!, mtu: mtu)
        } catch {
            throw .invalidArgument("cannot create the stack for \(network): \(error)")
        }
        let forward = SendableBox(send)
        let join = SendableBox(subscribe)
        interface.onOutput = { bytes in
            guard let frame = EthernetFrame(bytes) else { return }
            loop.execute { forward.value(frame, frame.multicastADI) }
        }
        interface.onMulticastChange = { change in
            loop.execute {
                switch change {
                case .joined(let mac): join.value(MulticastGroup(mac: MAC(rawValue: mac.rawValue)!, adi: 0), true)
                case .left(let mac): join.value(MulticastGroup(mac: MAC(rawValue: mac.rawValue)!, adi: 0), false)
                }
            }
        }
    }

    /// A frame the engine received for this network.
    func deliver(_ frame: ReceivedFrame) {
        let bytes = EthernetFrame(destination: frame.destination, source: frame.source, etherType: frame.etherType,
                                  payload: frame.payload).bytes
        do {
            try interface.input(frame: bytes)
        } catch {
            logger.debug("stack refused a frame", metadata: ["network.id": "\(network)", "error": "\(error)"])
        }
    }

    /// Applies a (new) network config: MTU, addresses, link up. Returns the IPv4 address now assigned, whose
    /// ARP group the engine must announce.
    @discardableResult
    func apply(_ config: NetworkConfig) -> IPPrefix? {
        try? interface.setMTU(config.mtu)
        let ipv4 = config.assignedIPv4.first
        if ipv4 != appliedIPv4 {
            if let ipv4, case .v4(let value) = ipv4.ip {
                try? interface.setIPv4(address: IPv4Address(rawValue: value), prefixLength: Int(ipv4.prefixLength))
            } else {
                interface.removeIPv4()
            }
            appliedIPv4 = ipv4
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
        appliedIPv6 = []
    }

    func close() { interface.close() }
}

/// Carries a closure that is only ever called on the event loop across lwIP's thread boundary.
struct SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
