import CNetconSys
import Glibc

/// A byte stream every transfer of the bench checks: byte i is `pattern[i % pattern.count]`, a pseudo-random
/// block whose length (a prime) does not divide any buffer size, so a lost, repeated or shifted chunk shows.
enum PatternStream {
    static let pattern: [UInt8] = {
        var state: UInt32 = 0x1234_5678
        return (0..<65_521).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }()

    /// True when `bytes` are what the stream holds at `offset`.
    static func matches(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        var checked = 0
        return pattern.withUnsafeBytes { pattern in
            while checked < bytes.count {
                let start = (offset + checked) % pattern.count
                let run = min(pattern.count - start, bytes.count - checked)
                guard memcmp(bytes.baseAddress! + checked, pattern.baseAddress! + start, run) == 0 else { return false }
                checked += run
            }
            return true
        }
    }
}

/// Writes `total` bytes of the pattern stream to `fd` on its own thread.
final class PatternWriter: @unchecked Sendable {
    let fd: CInt
    let total: Int
    private var thread = pthread_t()
    private var written = 0

    init(fd: CInt, total: Int) throws {
        self.fd = fd
        self.total = total
        let retained = Unmanaged.passRetained(self).toOpaque()
        guard pthread_create(&thread, nil, { context in
            Unmanaged<PatternWriter>.fromOpaque(context!).takeRetainedValue().writeAll()
            return nil
        }, retained) == 0 else {
            Unmanaged<PatternWriter>.fromOpaque(retained).release()
            throw BenchFailure("cannot start the writer thread")
        }
    }

    private func writeAll() {
        // Two pattern lengths back to back: any offset has 64 KiB of pattern after it.
        let doubled = PatternStream.pattern + PatternStream.pattern
        while written < total {
            let start = written % PatternStream.pattern.count
            let count = doubled.withUnsafeBytes {
                send(fd, $0.baseAddress! + start, min(PatternStream.pattern.count, total - written), netcon_msg_nosignal)
            }
            if count <= 0 { return }
            written += count
        }
    }

    /// Waits for the thread; the bytes it wrote.
    func join() -> Int {
        pthread_join(thread, nil)
        return written
    }
}

/// Moves `bytes` from `writer` to `reader` (connected), checking every byte; the seconds from `start` to the
/// last byte read, or nil when `deadlineSeconds` passed first (both ends are then shut down).
func timedStream(from writerFD: CInt, to readerFD: CInt, bytes total: Int, start: Int64, deadlineSeconds: Int) throws -> Double? {
    let writer = try PatternWriter(fd: writerFD, total: total)
    let deadline = start + Int64(deadlineSeconds) * 1000
    var received = 0
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var timedOut = false
    while received < total {
        // Blocking reads (the caller's SO_RCVTIMEO bounds each): a poll per read would pace the sender.
        guard monotonicMilliseconds() < deadline else { timedOut = true; break }
        let count = read(readerFD, &buffer, buffer.count)
        if count < 0 && errno == EAGAIN { continue }
        if count <= 0 { break }
        guard buffer.withUnsafeBytes({ PatternStream.matches(UnsafeRawBufferPointer(rebasing: $0[0..<count]), at: received) }) else {
            shutdown(writerFD, CInt(SHUT_RDWR))
            _ = writer.join()
            throw BenchFailure("bytes \(received)…\(received + count) differ from what was sent")
        }
        received += count
    }
    let elapsed = Double(monotonicMilliseconds() - start) / 1000
    if timedOut {
        shutdown(writerFD, CInt(SHUT_RDWR))
        shutdown(readerFD, CInt(SHUT_RDWR))
        _ = writer.join()
        return nil
    }
    let sent = writer.join()
    guard received == total, sent == total else { throw BenchFailure("wrote \(sent) and read \(received) of \(total) bytes") }
    return elapsed
}
