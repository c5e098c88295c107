import CNetconSys
import Glibc
import RelayProtocols

/// A proxy client's first messages, read from its (non-blocking) socket until a decoder has a whole one, by a
/// deadline for the whole handshake: a silent or slow client is given up on, never waited for.
struct HandshakeReader {
    let fd: CInt
    private let deadline: Int64
    /// What was read and not yet decoded: after the handshake, the first bytes for the destination.
    private(set) var pending: [UInt8] = []
    /// The last `next` gave up because the deadline passed (not because the client closed).
    private(set) var timedOut = false

    static let maximumPending = 64 * 1024

    init(fd: CInt, timeoutMilliseconds: Int64) {
        self.fd = fd
        deadline = monotonicMilliseconds() + timeoutMilliseconds
    }

    /// The next message, or nil when the client closed, the deadline passed or it sent more than a message can be.
    mutating func next<Value, Failure: Error>(_ decode: ([UInt8]) throws(Failure) -> Decoded<Value>) throws(Failure) -> Value? {
        while true {
            if case let .complete(value, consumed) = try decode(pending) {
                pending.removeFirst(consumed)
                return value
            }
            guard pending.count < Self.maximumPending, waitReadable() else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard count > 0 else { return nil }
            pending += chunk[0..<count]
        }
    }

    /// Sends `bytes` whole by the deadline.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, netcon_msg_nosignal | Int32(MSG_DONTWAIT)) }
            if sent > 0 {
                offset += sent
                continue
            }
            guard sent < 0, errno == EAGAIN || errno == EINTR else { return false }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, remaining) > 0 else { return false }
        }
        return true
    }

    /// Sends a last answer, then waits briefly for the client to finish sending (discarding it), so the answer is not
    /// lost to a reset that closing with unread bytes would cause.
    func finish(with bytes: [UInt8]) {
        send(bytes)
        shutdown(fd, CInt(SHUT_WR))
        var discarded = 0
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var chunk = [UInt8](repeating: 0, count: 4096)
        while discarded < Self.maximumPending, poll(&poller, 1, min(remaining, 1_000)) > 0 {
            let count = recv(fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
            if count <= 0 { break }
            discarded += count
        }
    }

    private var remaining: CInt { CInt(clamping: max(0, deadline - monotonicMilliseconds())) }

    private mutating func waitReadable() -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let wait = remaining
            if wait == 0 {
                timedOut = true
                return false
            }
            let ready = poll(&poller, 1, wait)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
        }
    }
}
