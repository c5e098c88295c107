import Dispatch
import NetStack
import Synchronization

/// The floor of part two: TCP between two lwIP interfaces of this one process, wired back to back, with no
/// ZeroTier, no UDP and no socket bridge in between — what lwIP alone moves on this machine.
///
/// Each interface's frames go to the other's input through a serial queue per direction (a frame is output
/// on the thread holding lwIP's core, where feeding it back in would re-enter lwIP). The receiver acknowledges
/// inside its handler, so lwIP's window is the only limit.
final class BackToBackStacks {
    static let senderAddress = IPv4Address(10, 1, 0, 1)
    static let receiverAddress = IPv4Address(10, 1, 0, 2)
    let sender: NetworkInterface
    let receiver: NetworkInterface

    init() throws(NetStackError) {
        sender = try NetworkInterface(mac: MACAddress("02:00:00:00:00:0a")!, mtu: 2800)
        receiver = try NetworkInterface(mac: MACAddress("02:00:00:00:00:0b")!, mtu: 2800)
        Self.wire(sender, to: receiver, over: DispatchQueue(label: "wire sender→receiver"))
        Self.wire(receiver, to: sender, over: DispatchQueue(label: "wire receiver→sender"))
        try sender.setIPv4(address: Self.senderAddress, prefixLength: 24)
        try receiver.setIPv4(address: Self.receiverAddress, prefixLength: 24)
        sender.up()
        receiver.up()
    }

    private static func wire(_ from: NetworkInterface, to: NetworkInterface, over wire: DispatchQueue) {
        from.onOutput = { frame in wire.async { try? to.input(frame: frame) } }
    }

    func close() {
        sender.close()
        receiver.close()
    }

    /// Moves `total` bytes sender → receiver over a fresh connection; the rate in MB/s, from the first send
    /// to the last byte received.
    func transfer(bytes total: Int, port: UInt16) throws -> Double {
        let received = Atomic<Int>(0)
        let done = DispatchSemaphore(value: 0)
        let accepted = Mutex<TCPConnection?>(nil)
        let listener = try TCPListener(address: .v4(Self.receiverAddress), port: port, via: receiver) { connection in
            accepted.withLock { $0 = connection }
            connection.setHandlers(.init(
                receive: { event in
                    guard case .data(let bytes) = event else { return }
                    connection.acknowledge(bytes.count)
                    if received.add(bytes.count, ordering: .relaxed).newValue == total { done.signal() }
                },
                closed: { _ in done.signal() }))
        }
        defer {
            listener.close()
            accepted.withLock { $0?.close() }
        }

        let writable = DispatchSemaphore(value: 0)
        let connected = DispatchSemaphore(value: 0)
        let outcome = Mutex<NetStackError?>(nil)
        let connection = try TCPConnection.connect(
            to: .v4(Self.receiverAddress), port: port, via: sender, timeout: .seconds(10),
            handlers: .init(receive: { _ in }, writable: { writable.signal() })
        ) { result in
            if case .failure(let error) = result { outcome.withLock { $0 = error } }
            connected.signal()
        }
        defer { connection.close() }
        connected.wait()
        if let error = outcome.withLock({ $0 }) { throw error }

        let chunk = [UInt8](repeating: 0x5a, count: 256 << 10)
        let clock = ContinuousClock()
        let start = clock.now
        var sent = 0
        try chunk.withUnsafeBytes { chunk in
            while sent < total {
                let accepted = try connection.send(UnsafeRawBufferPointer(rebasing: chunk[0..<min(chunk.count, total - sent)]))
                sent += accepted
                if accepted == 0 && writable.wait(timeout: .now() + 10) == .timedOut {
                    throw BenchFailure("the in-process sender stalled after \(sent) bytes")
                }
            }
        }
        if done.wait(timeout: .now() + 60) == .timedOut || received.load(ordering: .relaxed) != total {
            throw BenchFailure("the in-process receiver got \(received.load(ordering: .relaxed)) of \(total) bytes")
        }
        return megabytesPerSecond(total, clock.now - start)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func megabytesPerSecond(_ bytes: Int, _ elapsed: Duration) -> Double {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Double(bytes) / seconds / 1e6
}
