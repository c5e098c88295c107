import Dispatch
import NetStack
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension NetStackTests {
    @Suite struct TCPTransferTests {
        /// 64 MiB from A to B over IPv4, byte-exact, with back-pressure on both sides: the sender only ever
        /// has what lwIP's send buffer accepted in flight and waits for `writable`; the receiver checks bytes
        /// on its own queue and only then acknowledges them, so lwIP's window is all that is outstanding.
        @Test func transfer64MiB() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let size = 64 << 20
            let data = pattern(count: size)
            let window = Stack.limits.connectionWindow

            struct Progress: Sendable {
                var checked = 0
                var delivered = 0
                var maxOutstanding = 0
                var mismatchAt: Int?
                var endOfStream = false
                var failure: NetStackError?
            }
            let progress = Locked(Progress())
            let done = Event()
            let consumer = DispatchQueue(label: "consumer")

            let listener = try TCPListener(address: .v4(TwoHosts.addressB4), port: 5001, via: hosts.b) { connection in
                connection.setHandlers(.init(
                    receive: { event in
                        if case .data(let bytes) = event {
                            progress.withLock {
                                $0.delivered += bytes.count
                                $0.maxOutstanding = max($0.maxOutstanding, $0.delivered - $0.checked)
                            }
                        }
                        consumer.async {
                            switch event {
                            case .data(let bytes):
                                let offset = progress.withLock { $0.checked }
                                let same = offset + bytes.count <= data.count && bytes.withUnsafeBytes { got in
                                    data.withUnsafeBytes { memcmp(got.baseAddress!, $0.baseAddress! + offset, got.count) == 0 }
                                }
                                progress.withLock {
                                    if !same, $0.mismatchAt == nil { $0.mismatchAt = offset }
                                    $0.checked += bytes.count
                                }
                                connection.acknowledge(bytes.count)
                            case .endOfStream:
                                progress.withLock { $0.endOfStream = true }
                                connection.close()
                                done.signal()
                            }
                        }
                    },
                    closed: { error in
                        progress.withLock { $0.failure = error }
                        done.signal()
                    }))
            }
            defer { listener.close() }

            let writable = DispatchSemaphore(value: 0)
            let sender = try await TCPConnection.connect(
                to: .v4(TwoHosts.addressB4), port: 5001, via: hosts.a,
                handlers: .init(receive: { _ in }, writable: { writable.signal() }))
            defer { sender.close() }
            #expect(sender.localEndpoint == IPEndpoint(address: .v4(TwoHosts.addressA4), port: sender.localEndpoint!.port))
            #expect(sender.remoteEndpoint == IPEndpoint(address: .v4(TwoHosts.addressB4), port: 5001))

            let start = ContinuousClock.now
            let sent = Event()
            let sendStats = Locked((shortSends: 0, error: NetStackError?.none))
            DispatchQueue(label: "sender").async {
                var offset = 0
                do throws(NetStackError) {
                    while offset < size {
                        let end = min(offset + 256 << 10, size)
                        let accepted = try sender.send(data[offset..<end])
                        let short = accepted < end - offset
                        offset += accepted
                        if short {
                            sendStats.withLock { $0.shortSends += 1 }
                            if accepted == 0 { writable.wait() }
                        }
                    }
                    try sender.shutdown(.write)
                } catch {
                    sendStats.withLock { $0.error = error }
                }
                sent.signal()
            }
            #expect(await sent.wait(timeout: .seconds(300)))
            #expect(await done.wait(timeout: .seconds(300)))
            let elapsed = ContinuousClock.now - start

            let result = progress.value
            #expect(sendStats.value.error == nil)
            #expect(result.failure == nil)
            #expect(result.mismatchAt == nil)
            #expect(result.checked == size)
            #expect(result.endOfStream)
            #expect(sendStats.value.shortSends > 0, "the sender never hit the send buffer limit")
            #expect(result.maxOutstanding <= window, "more than the window was outstanding")
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Double(size) / seconds / 1_000_000
            print("""
                TCP 64 MiB a→b: \(elapsed), \((rate * 10).rounded() / 10) MB/s; \
                \(sendStats.value.shortSends) short sends, max outstanding \(result.maxOutstanding) B \
                (window \(window)), frames \(hosts.carried.load(ordering: .relaxed)), \
                dropped \(hosts.dropped.load(ordering: .relaxed))
                """)
        }

        /// A receiver that never acknowledges stops the sender once lwIP's window and send buffer are full;
        /// acknowledging lets the rest through.
        @Test func unacknowledgedDataStopsTheSender() async throws {
            let hosts = try TwoHosts()
            defer { hosts.close() }
            let received = Locked(0)
            let accepted = Locked<TCPConnection?>(nil)
            let listener = try TCPListener(port: 5002, via: hosts.b) { connection in
                accepted.withLock { $0 = connection }
                connection.setHandlers(.init(receive: { event in
                    if case .data(let bytes) = event { received.withLock { $0 += bytes.count } }
                }))
            }
            defer { listener.close() }
            let sender = try await TCPConnection.connect(
                to: .v4(TwoHosts.addressB4), port: 5002, via: hosts.a, handlers: .init(receive: { _ in }))
            defer { sender.close() }

            let block = pattern(count: 1 << 20)
            var total = 0
            for _ in 0..<40 {
                total += try sender.send(block)
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(try sender.send(block) == 0, "the sender should be stalled")
            let window = Stack.limits.connectionWindow
            let before = received.value
            #expect(before <= window)
            #expect(total <= window + Stack.limits.connectionSendBuffer)
            print("stalled after \(total) bytes accepted, \(before) delivered (window \(window))")

            let connection = try #require(accepted.value)
            connection.acknowledge(before)
            try await Task.sleep(for: .milliseconds(200))
            #expect(received.value > before)
            connection.close()
        }
    }
}
