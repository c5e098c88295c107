/// Packet IDs from the kernel's random source, fetched 512 at a time: every packet needs a fresh
/// unpredictable ID (it is the cipher's nonce), and one system call per packet was a visible share of a
/// busy node's time. Not thread-safe: one per node, used on the node's thread.
final class PacketIDSource {
    private var buffer = [UInt64](repeating: 0, count: 512)
    private var next = 512

    func take() -> UInt64 {
        if next == buffer.count {
            buffer.withUnsafeMutableBytes { Sodium.fillRandom($0) }
            next = 0
        }
        defer { next += 1 }
        return buffer[next]
    }
}
