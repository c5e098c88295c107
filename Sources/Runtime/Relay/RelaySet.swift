import Logging

/// The stream relays of one listener (a forward rule, a proxy port), kept until each ends; loop thread only.
final class RelaySet {
    private let loop: EventLoop
    private var relays: [Int: StreamRelay] = [:]
    private var nextID = 0

    init(loop: EventLoop) { self.loop = loop }

    var count: Int { relays.count }

    /// Starts relaying between `first` (the client) and `second` (what it reached); the end is logged.
    func start(_ first: OwnedDescriptor, _ second: OwnedDescriptor, toSecond: [UInt8] = [], toFirst: [UInt8] = [],
               endsWithSecondSide: Bool = false, logger: Logger) {
        nextID += 1
        let id = nextID
        let relay = StreamRelay(first, second, loop: loop, toSecond: toSecond, toFirst: toFirst,
                                endsWithSecondSide: endsWithSecondSide) { [unowned self] totals in
            logger.info("connection closed", metadata: [
                "bytes.in": "\(totals.forward)", "bytes.out": "\(totals.backward)", "failed": "\(totals.failed)",
            ])
            relays.removeValue(forKey: id)
        }
        relays[id] = relay
        relay.start()
    }

    func abortAll() {
        for relay in Array(relays.values) { relay.abort() }
        relays.removeAll()
    }
}
