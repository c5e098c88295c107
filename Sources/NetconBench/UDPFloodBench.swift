import CNetconSys
import Glibc
import NetconRPC

/// UDP m1 → m2 through the members' stacks: datagrams of `size` bytes sent as fast as the sender's socket
/// takes them for `seconds`; what was sent and received per second and the share lost on the way.
extension NodeTransfer {
    func udpFlood(size: Int, seconds: Double, port: UInt16) throws -> (sentPerSecond: Double, receivedPerSecond: Double, loss: Double) {
        let server = try rpc(to, .udpBind(local: RPCEndpoint(address: nil, port: port), domain: .inet, v6Only: false))
        guard server.reply.error == 0, let serverFD = server.descriptor else { throw BenchFailure("UDP_BIND on m2 failed") }
        defer { close(serverFD) }
        let client = try rpc(from, .udpBind(local: RPCEndpoint(address: nil, port: 0), domain: .inet, v6Only: false))
        guard client.reply.error == 0, let clientFD = client.descriptor else { throw BenchFailure("UDP_BIND on m1 failed") }
        defer { close(clientFD) }
        let connected = try rpc(from, .udpConnect(inode: client.reply.inode,
                                                  remote: RPCEndpoint(address: .init(v4: ipv4Bytes(toAddress)), port: port)))
        guard connected.reply.error == 0 else { throw BenchFailure("UDP_CONNECT on m1 failed: errno \(connected.reply.error)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 500_000)
        setsockopt(serverFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let payload = [UInt8](repeating: 0x42, count: size)
        var incoming = [UInt8](repeating: 0, count: 65_536)
        // The first datagrams may wait for ARP: prime the path, then drain.
        for _ in 0..<20 {
            _ = send(clientFD, payload, payload.count, 0)
            if recv(serverFD, &incoming, incoming.count, 0) > 0 { break }
        }
        while recv(serverFD, &incoming, incoming.count, CInt(MSG_DONTWAIT)) > 0 {}

        final class Count: @unchecked Sendable { var value = 0 }
        let received = Count()
        let receiver = runThreadsAsync([{
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while recv(serverFD, &buffer, buffer.count, 0) > 0 { received.value += 1 }
            return true
        }])
        let start = monotonicMilliseconds()
        let end = start + Int64(seconds * 1000)
        var sent = 0
        while monotonicMilliseconds() < end {
            for _ in 0..<64 where send(clientFD, payload, payload.count, 0) == payload.count { sent += 1 }
        }
        let elapsed = Double(monotonicMilliseconds() - start) / 1000
        _ = receiver()  // ends 0.5 s after the last datagram arrived
        return (Double(sent) / elapsed, Double(received.value) / elapsed, sent > 0 ? 1 - Double(received.value) / Double(sent) : 0)
    }
}
