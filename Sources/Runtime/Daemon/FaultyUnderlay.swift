import Glibc
import HeapModule
import UnderlayFaults
import ZeroTier

/// The test-only faulty underlay of `netcon run`: with `NETCON_TEST_UNDERLAY_FAULTS` set (see
/// `UnderlayFaults` for its text), every datagram the node receives first meets those faults — lost,
/// duplicated, a bit flipped, or held back so later ones overtake it. With `NETCON_TEST_UNDERLAY_BLOCKED` naming
/// a file, datagrams from the endpoints it lists (one `IP/PORT` per line, read again when it changes) are lost:
/// a path that dies and comes back. Faults on receive only, so two faulty nodes fault each datagram between them
/// once. Loop thread only.
final class FaultyUnderlay {
    static let environmentVariable = "NETCON_TEST_UNDERLAY_FAULTS"
    static let blockedEnvironmentVariable = "NETCON_TEST_UNDERLAY_BLOCKED"

    private var injector: FaultInjector
    private let blockedFile: String?
    private var blocked: Set<InetEndpoint> = []
    private var blockedChecked: Int64 = 0
    private var blockedVersion: (seconds: Int, nanoseconds: Int)?
    private let loop: EventLoop
    private let deliver: ([UInt8], InetEndpoint) -> Void
    private let flush: () -> Void
    /// Held-back datagrams, the first due on top (equal due times keep their arrival order).
    private var held = Heap<HeldDatagram>()
    private var heldCount: UInt64 = 0
    private var timerArmed = false

    private struct HeldDatagram: Comparable {
        var due: Int64
        var order: UInt64
        var bytes: [UInt8]
        var from: InetEndpoint
        static func < (a: Self, b: Self) -> Bool { (a.due, a.order) < (b.due, b.order) }
        static func == (a: Self, b: Self) -> Bool { (a.due, a.order) == (b.due, b.order) }
    }

    /// The file of blocked endpoints the environment names, if any.
    static func blockedFileFromEnvironment() -> String? {
        guard let path = getenv(blockedEnvironmentVariable).map({ String(cString: $0) }), !path.isEmpty else { return nil }
        return path
    }

    /// The faults the environment asks for, nil when it asks for none; throws on a malformed value.
    static func fromEnvironment() throws(UnderlayFaults.ParseError) -> UnderlayFaults? {
        guard let text = getenv(environmentVariable).map({ String(cString: $0) }), !text.isEmpty else { return nil }
        let faults = try UnderlayFaults(parsing: text)
        return faults.isNone ? nil : faults
    }

    init(_ faults: UnderlayFaults, blockedFile: String? = nil, loop: EventLoop, deliver: @escaping ([UInt8], InetEndpoint) -> Void,
         flush: @escaping () -> Void) {
        injector = FaultInjector(faults)
        self.blockedFile = blockedFile
        self.loop = loop
        self.deliver = deliver
        self.flush = flush
    }

    func receive(_ bytes: [UInt8], from endpoint: InetEndpoint) {
        if blockedFile != nil {
            refreshBlocked()
            if blocked.contains(endpoint) { return }
        }
        let now = monotonicMilliseconds()
        let fate = injector.fate(length: bytes.count, now: now)
        guard fate.copies > 0 else { return }
        var bytes = bytes
        if let bit = fate.corruptedBit { bytes[bit / 8] ^= UInt8(1 << (bit % 8)) }
        for _ in 0..<fate.copies {
            if fate.delayMilliseconds > 0 {
                heldCount += 1
                held.insert(HeldDatagram(due: now + Int64(fate.delayMilliseconds), order: heldCount, bytes: bytes, from: endpoint))
                armTimer()
            } else {
                deliver(bytes, endpoint)
            }
        }
    }

    /// Reads the blocked endpoints again when the file changed (looked at most every 100 ms).
    private func refreshBlocked() {
        let now = monotonicMilliseconds()
        guard let blockedFile, now - blockedChecked >= 100 else { return }
        blockedChecked = now
        var info = stat()
        guard stat(blockedFile, &info) == 0 else {
            blocked = []
            blockedVersion = nil
            return
        }
        let version = (info.st_mtim.tv_sec, info.st_mtim.tv_nsec)
        if let blockedVersion, blockedVersion == version { return }
        blockedVersion = version
        let text = (try? HomeFile.read(blockedFile)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        blocked = Set(text.split(whereSeparator: \.isNewline).compactMap { InetEndpoint(String($0)) })
    }

    private func armTimer() {
        guard !timerArmed, let first = held.min else { return }
        timerArmed = true
        loop.schedule(afterMilliseconds: max(0, first.due - monotonicMilliseconds())) { [self] in
            timerArmed = false
            let now = monotonicMilliseconds()
            while let first = held.min, first.due <= now {
                let datagram = held.removeMin()
                deliver(datagram.bytes, datagram.from)
            }
            flush()
            armTimer()
        }
    }
}
