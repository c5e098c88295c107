import Dispatch
import NetStack
import Synchronization
import Testing

/// The root of every NetStack test: one lwIP per process, the same addresses in every test, so they run one
/// after another.
@Suite(.serialized) struct NetStackTests {}

/// Two interfaces of the one in-process lwIP, wired back to back: each one's frames go to the other's input.
/// onOutput runs on the thread holding the lwIP core (inside linkoutput), so feeding the other interface from
/// there would re-enter lwIP; every frame is handed to a serial queue per direction instead, which keeps order
/// like a wire does.
final class TwoHosts: Sendable {
    static let addressA4 = IPv4Address(10, 1, 0, 1)
    static let addressB4 = IPv4Address(10, 1, 0, 2)
    static let addressA6 = IPv6Address("fd00::1")!
    static let addressB6 = IPv6Address("fd00::2")!

    let a: NetworkInterface
    let b: NetworkInterface
    /// Frames the receiving interface refused (mailbox full, or closed).
    let dropped = Atomic<Int>(0)
    /// Frames carried, both directions.
    let carried = Atomic<Int>(0)
    /// What the wire does with each frame (`fromA` tells the direction): the frames to deliver in its place —
    /// none to lose it, two to duplicate it. Nil: every frame once.
    let wire = Mutex<(@Sendable (_ fromA: Bool, _ frame: [UInt8]) -> [[UInt8]])?>(nil)
    private let wireAB = DispatchQueue(label: "wire a→b")
    private let wireBA = DispatchQueue(label: "wire b→a")

    init(mtu: Int = 2800) throws {
        a = try NetworkInterface(mac: MACAddress("02:00:00:00:00:0a")!, mtu: mtu)
        b = try NetworkInterface(mac: MACAddress("02:00:00:00:00:0b")!, mtu: mtu)
        connect(a, to: b, over: wireAB)
        connect(b, to: a, over: wireBA)
        try a.setIPv4(address: Self.addressA4, prefixLength: 24)
        try b.setIPv4(address: Self.addressB4, prefixLength: 24)
        try a.addIPv6(address: Self.addressA6, prefixLength: 64)
        try b.addIPv6(address: Self.addressB6, prefixLength: 64)
        a.up()
        b.up()
    }

    private func connect(_ from: NetworkInterface, to: NetworkInterface, over wire: DispatchQueue) {
        // Strong captures: the cycle through onOutput ends in close(), which clears the handlers.
        let fromA = from === a
        from.onOutput = { frame in
            let frames = self.wire.withLock { $0 }.map { $0(fromA, frame) } ?? [frame]
            wire.async {
                for frame in frames {
                    self.carried.add(1, ordering: .relaxed)
                    do throws(NetStackError) {
                        try to.input(frame: frame)
                    } catch {
                        self.dropped.add(1, ordering: .relaxed)
                    }
                }
            }
        }
    }

    func close() {
        a.close()
        b.close()
    }
}
