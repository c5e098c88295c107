import Glibc

/// A fixed-size byte buffer filled at its end and drained from its start.
struct RelayBuffer {
    private var storage: [UInt8]
    private var start = 0
    private var end = 0

    init(capacity: Int, initial: [UInt8] = []) {
        storage = [UInt8](repeating: 0, count: max(capacity, initial.count))
        storage.replaceSubrange(0..<initial.count, with: initial)
        end = initial.count
    }

    var isEmpty: Bool { start == end }
    var hasRoom: Bool { end < storage.count || start > 0 }

    /// Calls `body` with the free space; it returns how much it filled, or a negative number for nothing.
    mutating func fill(_ body: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        if start == end { (start, end) = (0, 0) }
        if end == storage.count && start > 0 {
            storage.withUnsafeMutableBytes { raw in _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start) }
            (start, end) = (0, end - start)
        }
        let filled = storage.withUnsafeMutableBytes { raw in body(UnsafeMutableRawBufferPointer(rebasing: raw[end...])) }
        if filled > 0 { end += filled }
        return filled
    }

    /// Calls `body` with the held bytes; it returns how many it took, or a negative number for none.
    mutating func drain(_ body: (UnsafeRawBufferPointer) -> Int) -> Int {
        let taken = storage.withUnsafeBytes { raw in body(UnsafeRawBufferPointer(rebasing: raw[start..<end])) }
        if taken > 0 { start += taken }
        return taken
    }
}
