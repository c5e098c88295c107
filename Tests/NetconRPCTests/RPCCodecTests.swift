import Glibc
import Testing
@testable import NetconRPC

@Suite struct RPCCodecTests {
    static let v4 = RPCAddress(v4: [10, 147, 17, 5])!
    static let v6 = RPCAddress(v6: [0xfd, 0x8b] + [UInt8](repeating: 0, count: 13) + [7], scope: 3)!

    static let requests: [RPCRequest] = [
        .routes,
        .tcpConnect(remote: RPCEndpoint(address: v4, port: 80), domain: .inet, options: .init()),
        .tcpConnect(remote: RPCEndpoint(address: v6, port: 443), domain: .inet6,
                    options: .init(nonBlocking: true, noDelay: true, keepAlive: true)),
        .tcpListen(local: RPCEndpoint(address: nil, port: 8080), domain: .inet6, backlog: 511, listenHost: true, v6Only: false),
        .tcpListen(local: RPCEndpoint(address: v4, port: 0), domain: .inet, backlog: 1, listenHost: false, v6Only: true),
        .tcpListen(local: RPCEndpoint(address: nil, port: 8080), domain: .inet, backlog: 511, listenHost: false, v6Only: false, reusePort: true),
        .udpBind(local: RPCEndpoint(address: nil, port: 53), domain: .inet, v6Only: false),
        .udpBind(local: RPCEndpoint(address: nil, port: 53), domain: .inet6, v6Only: true, reuse: true),
        .icmpOpen(domain: .inet, raw: true),
        .icmpOpen(domain: .inet6, raw: false),
        .udpConnect(inode: 123_456_789, remote: RPCEndpoint(address: v6, port: 9)),
        .udpConnect(inode: 1, remote: nil),
        .describe(inode: .max),
        .setOption(inode: 42, .lingerAbort, value: 1),
    ]

    @Test func everyRequestRoundTrips() throws {
        for request in Self.requests {
            #expect(try RPCRequest(bytes: request.bytes) == request)
        }
    }

    @Test func requestLayoutMatchesTheCHeader() throws {
        let bytes = RPCRequest.tcpConnect(remote: RPCEndpoint(address: Self.v4, port: 0x1234), domain: .inet,
                                          options: .init(nonBlocking: true)).bytes
        #expect(bytes.count == 56)
        #expect(Array(bytes[0..<4]) == [0x31, 0x52, 0x43, 0x4e])  // "NCR1" little-endian
        #expect(Array(bytes[4..<8]) == [2, 0, 0, 0])  // NETCON_RPC_OP_TCP_CONNECT
        #expect(Array(bytes[16..<18]) == [UInt8(AF_INET), 0])  // address.family
        #expect(Array(bytes[18..<20]) == [0x34, 0x12])  // address.port, host order
        #expect(Array(bytes[24..<28]) == [10, 147, 17, 5])
        #expect(Array(bytes[40..<42]) == [UInt8(AF_INET), 0])  // domain
        #expect(Array(bytes[42..<44]) == [1, 0])  // NETCON_RPC_FLAG_NONBLOCK
    }

    @Test func repliesRoundTripWithRoutes() throws {
        let routes = (0..<5).map { RPCRoute(network: RPCAddress(v4: [10, 0, UInt8($0), 0])!, prefixLength: 24, kind: $0 == 0 ? .own : .prefix) }
            + [RPCRoute(network: Self.v6, prefixLength: 88, kind: .prefix)]
        let reply = RPCReply(operation: 1, routes: routes)
        #expect(try RPCReply(bytes: reply.bytes) == reply)
        let connected = RPCReply(operation: 2, error: 0, kind: .tcpConnection, domain: .inet6, inode: 99,
                                 local: RPCEndpoint(address: Self.v6, port: 40000), remote: RPCEndpoint(address: Self.v6, port: 22),
                                 connecting: true)
        #expect(try RPCReply(bytes: connected.bytes) == connected)
        let failed = RPCReply.failure(.describe(inode: 5), errno: ENOENT)
        #expect(try RPCReply(bytes: failed.bytes) == failed)
    }

    @Test func tooManyRoutesAreCutToTheTable() throws {
        let routes = (0..<40).map { RPCRoute(network: RPCAddress(v4: [10, UInt8($0), 0, 0])!, prefixLength: 16, kind: .prefix) }
        let decoded = try RPCReply(bytes: RPCReply(operation: 1, routes: routes).bytes)
        #expect(decoded.routes == Array(routes.prefix(RPCReply.maximumRoutes)))
    }

    @Test func acceptedAndDatagramHeadersRoundTrip() throws {
        let accepted = RPCAccepted(remote: RPCEndpoint(address: Self.v4, port: 5555), local: RPCEndpoint(address: Self.v4, port: 80))
        #expect(try RPCAccepted(bytes: accepted.bytes) == accepted)
        let header = RPCDatagramHeader(peer: RPCEndpoint(address: Self.v6, port: 53), local: RPCEndpoint(address: Self.v6, port: 5353))
        let datagram = header.bytes + [1, 2, 3]
        #expect(try datagram.withUnsafeBytes { try RPCDatagramHeader(prefixOf: $0) } == header)
    }

    @Test func malformedMessagesAreRejected() throws {
        var bytes = RPCRequest.routes.bytes
        #expect(throws: RPCDecodeError.wrongSize(expected: 56, actual: 55)) { try RPCRequest(bytes: bytes.dropLast()) }
        bytes[0] ^= 0xff
        #expect(throws: RPCDecodeError.self) { try RPCRequest(bytes: bytes) }
        var unknown = RPCRequest.routes.bytes
        unknown[4] = 99
        #expect(throws: RPCDecodeError.unknownOperation(99)) { try RPCRequest(bytes: unknown) }
        var family = RPCRequest.tcpConnect(remote: RPCEndpoint(address: Self.v4, port: 1), domain: .inet, options: .init()).bytes
        family[16] = 77
        #expect(throws: RPCDecodeError.badAddressFamily(77)) { try RPCRequest(bytes: family) }
        var noAddress = RPCRequest.tcpConnect(remote: RPCEndpoint(address: Self.v4, port: 1), domain: .inet, options: .init()).bytes
        noAddress[16] = 0
        #expect(throws: RPCDecodeError.self) { try RPCRequest(bytes: noAddress) }
        var domain = RPCRequest.udpBind(local: RPCEndpoint(address: nil, port: 1), domain: .inet, v6Only: false).bytes
        domain[40] = 1
        #expect(throws: RPCDecodeError.badDomain(1)) { try RPCRequest(bytes: domain) }
        var routeBytes = RPCReply(operation: 1, routes: [RPCRoute(network: Self.v4, prefixLength: 8, kind: .prefix)]).bytes
        routeBytes[routeBytes.count - 32 * 28 + 24] = 33  // first route's prefix length > 32
        #expect(throws: RPCDecodeError.self) { try RPCReply(bytes: routeBytes) }
    }

    @Test func addressesPrintLikeInetNtop() {
        #expect(Self.v4.description == "10.147.17.5")
        #expect(RPCEndpoint(address: Self.v6, port: 80).description == "[fd8b::7]:80")
        #expect(RPCEndpoint(address: nil, port: 80).description == "*:80")
    }
}
