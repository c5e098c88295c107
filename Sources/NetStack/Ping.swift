import CLwIP
import Synchronization

/// Outbound ICMP echo: ICMP over IPv4, ICMPv6 over IPv6. (lwIP answers echo requests to our addresses by
/// itself.) Each ping has its own raw pcb, bound to the interface, which sees every ICMP packet arriving there
/// and eats only the matching reply; the rest go on to lwIP.
public enum Ping {
    /// Sends one echo request. `completion` runs once, on the thread holding the lwIP core (usually the tcpip
    /// thread), with the round trip or `.timedOut`; it may call into NetStack but must not block. Throws at
    /// once when nothing can be sent (`.networkUnreachable`, `.outOfMemory`, `.invalidArgument`).
    public static func send(
        to destination: IPAddress, via interface: NetworkInterface? = nil, payloadSize: Int = 56,
        timeout: Duration = .seconds(2),
        completion: @escaping @Sendable (Result<Duration, NetStackError>) -> Void
    ) throws(NetStackError) {
        guard (0...1400).contains(payloadSize), timeout > .zero else { throw .invalidArgument }
        let request = PingRequest(destination: destination, payloadSize: payloadSize, completion: completion)
        try Stack.withCoreLock { () throws(NetStackError) in
            try request.start(via: interface, timeout: timeout)
        }
    }

    /// `send` as an async call.
    public static func echo(
        to destination: IPAddress, via interface: NetworkInterface? = nil, payloadSize: Int = 56,
        timeout: Duration = .seconds(2)
    ) async throws(NetStackError) -> Duration {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Duration, NetStackError>, Never>) in
            do throws(NetStackError) {
                try send(to: destination, via: interface, payloadSize: payloadSize, timeout: timeout) {
                    continuation.resume(returning: $0)
                }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }

    /// Echo identifiers; each request's raw pcb matches replies by identifier and sequence.
    static let nextIdentifier = Atomic<UInt16>(UInt16.random(in: 0...UInt16.max))
}

/// One echo in flight. Retained by its raw pcb's callback argument and by its timer; both let go when done.
final class PingRequest: @unchecked Sendable {
    // @unchecked: the vars are touched only with the lwIP core held.
    private enum State {
        case idle
        case waiting(pcb: UnsafeMutablePointer<raw_pcb>, sentAt: ContinuousClock.Instant)
        case done
    }

    let destination: IPAddress
    let identifier: UInt16
    let sequence: UInt16 = 1
    let payloadSize: Int
    private var state = State.idle
    private var completion: (@Sendable (Result<Duration, NetStackError>) -> Void)?

    init(destination: IPAddress, payloadSize: Int,
         completion: @escaping @Sendable (Result<Duration, NetStackError>) -> Void) {
        self.destination = destination
        self.payloadSize = payloadSize
        self.completion = completion
        identifier = Ping.nextIdentifier.wrappingAdd(1, ordering: .relaxed).newValue
    }

    private var isV6: Bool { if case .v6 = destination { true } else { false } }

    /// Core held.
    func start(via interface: NetworkInterface?, timeout: Duration) throws(NetStackError) {
        var netif: UnsafeMutablePointer<netif>?
        if let interface {
            guard interface.canSend(to: destination), let bound = interface.lwipNetif else {
                throw .networkUnreachable
            }
            netif = bound
        }
        let proto = isV6 ? UInt8(IP6_NEXTH_ICMP6) : UInt8(IP_PROTO_ICMP)
        guard let pcb = raw_new_ip_type(destination.lwipType, proto) else { throw .outOfMemory }
        if let netif { raw_bind_netif(pcb, netif) }
        if isV6 { netcon_lwip_raw_set_ipv6_checksum(pcb, 2) }

        let packet = echoRequest()
        guard let p = pbuf_alloc(PBUF_IP, UInt16(packet.count), PBUF_RAM) else {
            raw_remove(pcb)
            throw .outOfMemory
        }
        _ = packet.withUnsafeBytes { pbuf_take(p, $0.baseAddress, UInt16(packet.count)) }

        let context = Unmanaged.passRetained(self).toOpaque()
        raw_recv(pcb, { context, _, p, source in
            let request = Unmanaged<PingRequest>.fromOpaque(context!).takeUnretainedValue()
            guard let p, let source, request.isReply(p, from: source) else { return 0 }
            pbuf_free(p)
            request.finish(.success(()))
            return 1
        }, context)
        state = .waiting(pcb: pcb, sentAt: .now)
        let err = destination.withLwIP(zone: netif) { raw_sendto(pcb, p, $0) }
        pbuf_free(p)
        if err != LwIPError.ok {
            state = .done
            raw_recv(pcb, nil, nil)
            raw_remove(pcb)
            Unmanaged<PingRequest>.fromOpaque(context).release()
            completion = nil
            throw NetStackError(lwip: err)
        }
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        sys_timeout(UInt32(clamping: max(1, milliseconds)), { context in
            let request = Unmanaged<PingRequest>.fromOpaque(context!).takeRetainedValue()
            request.finish(.failure(.timedOut))
        }, Unmanaged.passRetained(self).toOpaque())
    }

    private func echoRequest() -> [UInt8] {
        var packet: [UInt8] = [isV6 ? 128 : 8, 0, 0, 0,
                               UInt8(identifier >> 8), UInt8(truncatingIfNeeded: identifier),
                               UInt8(sequence >> 8), UInt8(truncatingIfNeeded: sequence)]
        packet += (0..<payloadSize).map { UInt8(truncatingIfNeeded: $0) }
        if !isV6 {  // ICMPv6's checksum covers a pseudo header: lwIP fills it in (chksum_offset 2)
            let sum = internetChecksum(packet)
            packet[2] = UInt8(sum >> 8)
            packet[3] = UInt8(truncatingIfNeeded: sum)
        }
        return packet
    }

    /// In the raw pcb's receive callback: `p` starts at the IP header.
    private func isReply(_ p: UnsafeMutablePointer<pbuf>, from source: UnsafePointer<ip_addr_t>) -> Bool {
        guard case .waiting = state, IPAddress(lwip: source) == destination else { return false }
        let offset = Int(netcon_lwip_current_ip_header_length())
        var header = [UInt8](repeating: 0, count: 8)
        let copied = header.withUnsafeMutableBytes {
            pbuf_copy_partial(p, $0.baseAddress, 8, UInt16(clamping: offset))
        }
        guard copied == 8 else { return false }
        return header[0] == (isV6 ? 129 : 0) && header[1] == 0
            && UInt16(header[4]) << 8 | UInt16(header[5]) == identifier
            && UInt16(header[6]) << 8 | UInt16(header[7]) == sequence
    }

    /// Core held. The first call completes; the pcb is removed from a timer, not here: inside its own receive
    /// callback lwIP still touches the pcb after the callback returns.
    private func finish(_ outcome: Result<Void, NetStackError>) {
        guard case .waiting(let pcb, let sentAt) = state else { return }
        state = .done
        let elapsed = ContinuousClock.now - sentAt
        raw_recv(pcb, nil, nil)
        sys_timeout(0, { pcb in raw_remove(pcb?.assumingMemoryBound(to: raw_pcb.self)) }, UnsafeMutableRawPointer(pcb))
        Unmanaged.passUnretained(self).release()  // the receive callback's reference
        let completion = self.completion
        self.completion = nil
        completion?(outcome.map { elapsed })
    }
}

/// RFC 1071 ones' complement sum.
func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    var index = 0
    while index + 1 < bytes.count {
        sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
        index += 2
    }
    if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
    while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
    return ~UInt16(sum)
}
