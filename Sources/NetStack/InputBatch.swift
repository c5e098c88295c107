/// A batch of frames going into lwIP under one core lock (`Stack.withInputBatch`). Bytes that connections
/// receive meanwhile are collected per connection and handed to their `receive` handlers once, when the batch
/// ends: one write into a program's socket per connection and batch instead of one per segment. An end of
/// stream or a failure still reaches its handler at once, after the bytes collected before it. Outside a batch
/// (lwIP's own thread, timers) bytes are handed over as they come.
///
/// State guarded by the core lock.
enum InputBatch {
    nonisolated(unsafe) private static var isOpen = false
    nonisolated(unsafe) private static var holding: [TCPConnection] = []

    /// Core held: whether `connection` should collect instead of delivering now. Registers it once per batch.
    static func collects(for connection: TCPConnection) -> Bool {
        guard isOpen else { return false }
        if !connection.isCollectingInBatch {
            connection.isCollectingInBatch = true
            holding.append(connection)
        }
        return true
    }

    /// Core held: runs `body` as one batch and then hands over what it collected. Nested calls join the outer batch.
    static func run<T>(_ body: () throws -> T) rethrows -> T {
        Stack.preconditionCoreHeld()
        guard !isOpen else { return try body() }
        isOpen = true
        defer {
            isOpen = false
            while !holding.isEmpty {
                let connections = holding
                holding.removeAll(keepingCapacity: true)
                for connection in connections {
                    connection.isCollectingInBatch = false
                    connection.deliverCollected()
                }
            }
            TCPRecoveryTicker.visitIfDue()
        }
        return try body()
    }
}

extension Stack {
    /// Runs `body` under the core lock as one input batch (see `InputBatch`): feed it frames with
    /// `NetworkInterface.inputNow`. Core rules as for `withCoreLock`.
    public static func withInputBatch<T>(_ body: () throws -> T) rethrows -> T {
        try withCoreLock { try InputBatch.run(body) }
    }
}
