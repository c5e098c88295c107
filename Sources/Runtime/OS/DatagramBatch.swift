import CNetconSys
import Glibc
import SystemPackage
import ZeroTier

/// Preallocated buffers for moving many datagrams per system call (recvmmsg / sendmmsg).
/// Owned by the event loop thread; one for receiving and one for sending.
final class DatagramBatch {
    static let slots = 64
    /// Larger than any ZeroTier datagram (the physical MTU is 1432); bigger ones are truncated and dropped.
    static let slotCapacity = 16 << 10

    private var storage: UnsafeMutableRawPointer
    private var datagrams: [netcon_datagram]

    init() {
        storage = UnsafeMutableRawPointer.allocate(byteCount: Self.slots * Self.slotCapacity, alignment: 16)
        datagrams = (0..<Self.slots).map { [storage] index in
            var datagram = netcon_datagram()
            datagram.data = (storage + index * Self.slotCapacity).assumingMemoryBound(to: UInt8.self)
            datagram.capacity = Self.slotCapacity
            return datagram
        }
    }

    deinit { storage.deallocate() }

    /// Reads what is waiting (up to `slots` datagrams) and hands each to `body`, which owns the array (the
    /// engine decrypts in it). Returns how many were read.
    func receive(from fd: CInt, _ body: (consuming [UInt8], InetEndpoint) -> Void) throws(Errno) -> Int {
        let count = try syscall { datagrams.withUnsafeMutableBufferPointer { netcon_receive_batch(fd, $0.baseAddress, CUnsignedInt(Self.slots)) } }
        for index in 0..<Int(count) {
            let datagram = datagrams[index]
            guard datagram.length <= Self.slotCapacity, let endpoint = SocketAddress.endpoint(from: datagram.address) else { continue }
            body(Array(UnsafeBufferPointer(start: datagram.data, count: datagram.length)), endpoint)
        }
        return Int(count)
    }

    /// Sends `outgoing` in batches; datagrams the kernel refuses (e.g. unreachable) are dropped like UDP would.
    /// Returns how many were handed to the kernel.
    @discardableResult
    func send(_ outgoing: [(bytes: [UInt8], to: InetEndpoint)], on fd: CInt, dualStack: Bool) -> Int {
        var sent = 0
        var start = 0
        while start < outgoing.count {
            let chunk = outgoing[start..<min(start + Self.slots, outgoing.count)]
            var filled = 0
            for item in chunk where !item.bytes.isEmpty && item.bytes.count <= Self.slotCapacity {
                item.bytes.withUnsafeBytes { datagrams[filled].data.update(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: $0.count) }
                datagrams[filled].length = item.bytes.count
                (datagrams[filled].address, datagrams[filled].address_length) = SocketAddress.storage(for: item.to, dualStack: dualStack)
                filled += 1
            }
            var offset = 0
            while offset < filled {
                let result = datagrams.withUnsafeMutableBufferPointer { buffer in
                    netcon_send_batch(fd, buffer.baseAddress! + offset, CUnsignedInt(filled - offset))
                }
                if result > 0 {
                    offset += Int(result)
                    sent += Int(result)
                } else {
                    // The first datagram failed (unreachable, no buffer space): skip it, as a lost datagram.
                    offset += 1
                }
            }
            start += chunk.count
        }
        return sent
    }
}
