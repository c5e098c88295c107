import CNetconSys
import Glibc
import SystemPackage

/// Moves bytes both ways between two connected stream descriptors on one event loop, through a bounded buffer
/// per direction, so a slow reader slows its writer instead of growing memory. End of file on one side becomes a
/// half-close (shutdown SHUT_WR) of the other once the buffer toward it is empty; the relay ends when both ways
/// have ended, or at once when either side fails. A side that has nothing to do is taken off the loop: a level-
/// triggered hangup would otherwise wake it forever.
final class StreamRelay {
    struct Totals {
        /// Bytes from the first side to the second, and back.
        var forward = 0
        var backward = 0
        /// It ended on an error (a reset, a write to a closed side) rather than both sides' ends of file.
        var failed = false
    }

    private final class Side {
        let fd: OwnedDescriptor
        var ended = false  // read returned end of file
        var shut = false  // its writing side is shut down
        var registered = false
        var interest: EventLoop.Events = []
        init(_ fd: OwnedDescriptor) { self.fd = fd }
    }

    static let bufferBytes = 64 * 1024

    private let loop: EventLoop
    private let sides: [Side]
    /// buffers[0] holds bytes from side 0 to side 1, buffers[1] the other way.
    private var buffers: [RelayBuffer]
    private let endsWithSecondSide: Bool
    private var onFinished: ((Totals) -> Void)?
    private var totals = Totals()

    /// - Parameters:
    ///   - toSecond, toFirst: bytes to deliver before anything relayed (a PROXY header, a reply, what a handshake
    ///     read past its end).
    ///   - endsWithSecondSide: when the second side's bytes have all reached the first, the relay ends (an HTTP
    ///     response closed by the server ends a client connection that asked to keep alive).
    init(_ first: OwnedDescriptor, _ second: OwnedDescriptor, loop: EventLoop, toSecond: [UInt8] = [], toFirst: [UInt8] = [],
         endsWithSecondSide: Bool = false, onFinished: @escaping (Totals) -> Void) {
        self.loop = loop
        sides = [Side(first), Side(second)]
        buffers = [RelayBuffer(capacity: Self.bufferBytes, initial: toSecond), RelayBuffer(capacity: Self.bufferBytes, initial: toFirst)]
        self.endsWithSecondSide = endsWithSecondSide
        self.onFinished = onFinished
    }

    /// Loop thread. Both descriptors must be non-blocking.
    func start() {
        loop.preconditionInLoop()
        for index in 0..<2 { pump(from: index) }
        update()
    }

    /// Loop thread: ends the relay now (the service is stopping).
    func abort() {
        finish(failed: true)
    }

    private var isFinished: Bool { onFinished == nil }

    private func handle(_ index: Int, _ events: EventLoop.Events) {
        guard !isFinished else { return }
        // Readable, hangup and error all mean: a read tells what happened. Writable: the buffer toward it can drain.
        if !events.intersection([.readable, .hangup, .error]).isEmpty { pump(from: index) }
        if !isFinished && events.contains(.writable) { flush(toward: index) }
        if !isFinished && events.contains(.error) && sides[index].interest.isEmpty { finish(failed: true) }
        if !isFinished { update() }
    }

    /// Reads from side `index` while its buffer has room, passing what came on toward the other side.
    private func pump(from index: Int) {
        let side = sides[index]
        guard !side.ended, buffers[index].hasRoom else { return }
        let count = buffers[index].fill { read(side.fd.rawValue, $0.baseAddress, $0.count) }
        if count > 0 {
            if index == 0 { totals.forward += count } else { totals.backward += count }
        } else if count == 0 {
            side.ended = true
        } else if errno != EAGAIN && errno != EINTR {
            finish(failed: true)
            return
        }
        flush(toward: 1 - index)
    }

    /// Writes what the buffer toward side `index` holds; shuts its writing side once the other side ended and all is sent.
    private func flush(toward index: Int) {
        let side = sides[index]
        let source = 1 - index
        if !buffers[source].isEmpty {
            let written = buffers[source].drain { send(side.fd.rawValue, $0.baseAddress, $0.count, netcon_msg_nosignal) }
            if written < 0 && errno != EAGAIN && errno != EINTR {
                finish(failed: true)
                return
            }
        }
        if buffers[source].isEmpty && sides[source].ended && !side.shut {
            side.shut = true
            shutdown(side.fd.rawValue, CInt(SHUT_WR))
            if source == 1 && endsWithSecondSide {
                finish(failed: false)
                return
            }
        }
        if sides[0].shut && sides[1].shut { finish(failed: false) }
    }

    /// Watches each side for exactly what it can do now.
    private func update() {
        for index in 0..<2 {
            let side = sides[index]
            var wanted: EventLoop.Events = []
            if !side.ended && buffers[index].hasRoom { wanted.insert(.readable) }
            if !buffers[1 - index].isEmpty { wanted.insert(.writable) }
            guard wanted != side.interest || !side.registered else { continue }
            let fd = side.fd.rawValue
            if wanted.isEmpty {
                if side.registered { loop.unregister(fd) }
                side.registered = false
            } else if side.registered {
                do { try loop.modify(fd, for: wanted) } catch { finish(failed: true); return }
            } else {
                do {
                    try loop.register(fd, for: wanted) { [unowned self] events in handle(index, events) }
                } catch {
                    finish(failed: true)
                    return
                }
                side.registered = true
            }
            side.interest = wanted
        }
    }

    private func finish(failed: Bool) {
        guard let onFinished else { return }
        self.onFinished = nil
        totals.failed = failed
        for side in sides {
            if side.registered { loop.unregister(side.fd.rawValue) }
            side.registered = false
            side.fd.close()
        }
        onFinished(totals)
    }
}
