import CNetconSys
import Glibc
import ZeroTier

/// The program `netcon selftest` and `make bench` run under `netcon exec` (`netcon selftest-probe`), so they
/// need nothing but netcon itself. It uses only the plain BSD socket calls the intercept library hooks.
///
/// Its one exchange: the client sends a seed and a length (16 bytes, little-endian); the server answers with
/// that many bytes of `SplitMix(seed)` and closes; the client regenerates them to check what arrived.
public enum SelftestProbe {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
        init(_ what: String, errno number: CInt) { description = "\(what): \(String(cString: strerror(number)))" }
    }

    public enum Workload: String, CaseIterable, Sendable {
        /// Datagram round trips between two kernel UDP sockets on 127.0.0.1: sendto, recvfrom, sendto, recvfrom.
        case udp
        /// A fresh kernel TCP connection to 127.0.0.1 per request: connect, accept, send/recv each way, close.
        case tcp
    }

    /// The most a request may ask for.
    static let maximumLength: UInt64 = 1 << 30
    static let requestSize = 16

    /// Listens on `port` of every IPv4 address, tells `announce` (once listening), serves `count` requests
    /// one after another, then returns. Gives up when no client comes within `idleSeconds`.
    public static func serve(port: UInt16, count: Int, idleSeconds: Int = 30, announce: (String) -> Void) throws(Failure) {
        let listener = try listen(on: .v4(0), port: port)
        defer { close(listener) }
        setTimeout(listener, seconds: idleSeconds)
        announce("listening on port \(boundPort(listener))")
        for _ in 0..<count { try serveOne(listener) }
    }

    /// A listener for the selftest's own end of an exchange (on 127.0.0.1, a free port): the descriptor and port.
    static func loopbackListener() throws(Failure) -> (fd: CInt, port: UInt16) {
        let fd = try listen(on: .v4(0x7f00_0001), port: 0)
        return (fd, boundPort(fd))
    }

    /// Accepts one client and answers its request.
    static func serveOne(_ listener: CInt) throws(Failure) {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { throw Failure("accept", errno: errno) }
        defer { close(connection) }
        setTimeout(connection, seconds: 10)
        var request = [UInt8](repeating: 0, count: requestSize)
        guard readFully(connection, &request) else { throw Failure("the client's request did not arrive") }
        let (seed, length) = request.withUnsafeBytes {
            (UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)), UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        guard length <= maximumLength else { throw Failure("the client asked for \(length) bytes") }
        var stream = PayloadStream(seed: seed, length: Int(length))
        while let chunk = stream.next() {
            guard writeFully(connection, chunk) else { throw Failure("sending", errno: errno) }
        }
    }

    /// Asks the server at `host`:`port` for `length` bytes and checks every one. Returns what it saw.
    public static func fetch(host: String, port: UInt16, length: Int) throws(Failure) -> String {
        guard let ip = IPAddress(host) else { throw Failure("\(host) is not an IP address") }
        let (address, addressLength) = SocketAddress.storage(for: InetEndpoint(ip: ip, port: port), dualStack: false)
        let fd = socket(ip.isIPv4 ? AF_INET : AF_INET6, CInt(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket", errno: errno) }
        defer { close(fd) }
        try connect(fd, address, addressLength, what: "connect to \(host):\(port)")
        setTimeout(fd, seconds: 10)

        let seed = UInt64.random(in: .min ... .max)
        var request = [UInt8](repeating: 0, count: requestSize)
        request.withUnsafeMutableBytes {
            $0.storeBytes(of: seed.littleEndian, as: UInt64.self)
            $0.storeBytes(of: UInt64(length).littleEndian, toByteOffset: 8, as: UInt64.self)
        }
        guard writeFully(fd, request) else { throw Failure("sending the request", errno: errno) }

        let received = Checksum()
        var count = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let read = Glibc.read(fd, &buffer, buffer.count)
            if read < 0 { throw Failure("reading after \(count) bytes", errno: errno) }
            if read == 0 { break }
            received.add(buffer[0..<read])
            count += read
        }
        let expected = Checksum()
        var stream = PayloadStream(seed: seed, length: length)
        while let chunk = stream.next() { expected.add(chunk) }
        guard count == length else { throw Failure("received \(count) of \(length) bytes") }
        guard received.value == expected.value else {
            throw Failure("checksum \(String(received.value, radix: 16)), expected \(String(expected.value, radix: 16))")
        }
        return "\(count) bytes from \(host):\(port), checksum \(String(received.value, radix: 16))"
    }

    /// Runs `count` rounds of `workload` and returns the nanoseconds they took (setup excluded).
    public static func loop(_ workload: Workload, count: Int) throws(Failure) -> UInt64 {
        switch workload {
        case .udp: try udpRoundTrips(count)
        case .tcp: try tcpExchanges(count)
        }
    }

    private static func udpRoundTrips(_ count: Int) throws(Failure) -> UInt64 {
        let (one, onePort) = try udpSocket()
        defer { close(one) }
        let (other, otherPort) = try udpSocket()
        defer { close(other) }
        let (toOther, length) = SocketAddress.storage(for: InetEndpoint(ip: .v4(0x7f00_0001), port: otherPort), dualStack: false)
        let (toOne, _) = SocketAddress.storage(for: InetEndpoint(ip: .v4(0x7f00_0001), port: onePort), dualStack: false)
        var message = [UInt8](repeating: 0x2a, count: 64)
        var source = sockaddr_storage()
        func bounce(from: CInt, to: CInt, _ destination: sockaddr_storage) throws(Failure) {
            var destination = destination
            let sent = withUnsafePointer(to: &destination) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(from, message, message.count, 0, $0, length) }
            }
            guard sent == message.count else { throw Failure("sendto", errno: errno) }
            var sourceLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let received = withUnsafeMutablePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(to, &message, message.count, 0, $0, &sourceLength) }
            }
            guard received == message.count else { throw Failure("recvfrom", errno: errno) }
        }
        let start = monotonicNanoseconds()
        for _ in 0..<count {
            try bounce(from: one, to: other, toOther)
            try bounce(from: other, to: one, toOne)
        }
        return monotonicNanoseconds() - start
    }

    private static func tcpExchanges(_ count: Int) throws(Failure) -> UInt64 {
        let (listener, port) = try loopbackListener()
        defer { close(listener) }
        setTimeout(listener, seconds: 10)
        let (address, length) = SocketAddress.storage(for: InetEndpoint(ip: .v4(0x7f00_0001), port: port), dualStack: false)
        var request = [UInt8](repeating: 0x3f, count: 32)
        var answer = [UInt8](repeating: 0x21, count: 32)
        let start = monotonicNanoseconds()
        // One thread plays both ends: a loopback connect completes from the listen backlog before accept.
        for _ in 0..<count {
            let client = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
            guard client >= 0 else { throw Failure("socket", errno: errno) }
            defer { close(client) }
            try connect(client, address, length, what: "connect to 127.0.0.1:\(port)")
            guard send(client, request, request.count, netcon_msg_nosignal) == request.count else { throw Failure("send", errno: errno) }
            let server = accept(listener, nil, nil)
            guard server >= 0 else { throw Failure("accept", errno: errno) }
            guard recv(server, &request, request.count, CInt(MSG_WAITALL)) == request.count,
                  send(server, answer, answer.count, netcon_msg_nosignal) == answer.count else {
                close(server)
                throw Failure("the server's side", errno: errno)
            }
            // The server closes first, so the TIME_WAIT states are its own and never hold the client's ports.
            close(server)
            guard recv(client, &answer, answer.count, CInt(MSG_WAITALL)) == answer.count else { throw Failure("recv", errno: errno) }
        }
        return monotonicNanoseconds() - start
    }

    private static func udpSocket() throws(Failure) -> (CInt, UInt16) {
        let fd = socket(AF_INET, CInt(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket", errno: errno) }
        var (address, length) = SocketAddress.storage(for: InetEndpoint(ip: .v4(0x7f00_0001), port: 0), dualStack: false)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else {
            close(fd)
            throw Failure("bind", errno: errno)
        }
        setTimeout(fd, seconds: 5)
        return (fd, boundPort(fd))
    }

    private static func listen(on ip: IPAddress, port: UInt16) throws(Failure) -> CInt {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket", errno: errno) }
        var reuse: CInt = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<CInt>.size))
        var (address, length) = SocketAddress.storage(for: InetEndpoint(ip: ip, port: port), dualStack: false)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else {
            close(fd)
            throw Failure("bind to \(ip):\(port)", errno: errno)
        }
        guard Glibc.listen(fd, 16) == 0 else {
            close(fd)
            throw Failure("listen", errno: errno)
        }
        return fd
    }

    private static func connect(_ fd: CInt, _ address: sockaddr_storage, _ length: socklen_t, what: String) throws(Failure) {
        var address = address
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        guard result == 0 else { throw Failure(what, errno: errno) }
    }

    private static func boundPort(_ fd: CInt) -> UInt16 {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return SocketAddress.endpoint(from: address)?.port ?? 0
    }

    private static func readFully(_ fd: CInt, _ buffer: inout [UInt8]) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count <= 0 { return false }
            offset += count
        }
        return true
    }
}

/// The server's answer: `length` bytes of `SplitMix(seed)`, in chunks of up to 64 KiB.
struct PayloadStream {
    private var generator: SplitMix
    private var remaining: Int
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(seed: UInt64, length: Int) {
        generator = SplitMix(seed: seed)
        remaining = length
    }

    mutating func next() -> [UInt8]? {
        guard remaining > 0 else { return nil }
        generator.fill(&buffer)
        let count = min(remaining, buffer.count)
        remaining -= count
        return count == buffer.count ? buffer : Array(buffer[0..<count])
    }
}

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
