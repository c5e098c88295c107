import NetconRPC
import RelayProtocols
import Testing

/// SOCKS5's messages against RFC 1928/1929's layouts, byte by byte, and every prefix of each incomplete.
@Suite struct SOCKSCodecTests {
    /// Every strict prefix decodes as incomplete; the whole as `value` taking all its bytes.
    func decodesWhole<Value: Equatable>(_ bytes: [UInt8], as value: Value,
                                        _ decode: ([UInt8]) throws(SOCKSError) -> Decoded<Value>) throws {
        for cut in 0..<bytes.count { #expect(try decode(Array(bytes[..<cut])) == .incomplete, "prefix \(cut)") }
        #expect(try decode(bytes + [0xaa, 0xbb]) == .complete(value, consumed: bytes.count))
    }

    @Test func greetingAndMethodChoice() throws {
        try decodesWhole([5, 2, 0, 2], as: SOCKSGreeting(methods: [0, 2]), SOCKSGreeting.decode)
        #expect(SOCKSGreeting(methods: [0]).bytes == [5, 1, 0])
        #expect(SOCKSGreeting.choice(SOCKSGreeting.noAcceptableMethod) == [5, 0xff])
        #expect(throws: SOCKSError.badVersion(4)) { try SOCKSGreeting.decode([4, 1, 0, 0x50]) }
        #expect(throws: SOCKSError.noMethods) { try SOCKSGreeting.decode([5, 0]) }
        #expect(SOCKSError.badVersion(4).reply == nil)
    }

    @Test func usernamePassword() throws {
        let request = SOCKSPasswordRequest(username: Array("alice".utf8), password: Array("s3cret".utf8))
        #expect(request.bytes == [1, 5] + Array("alice".utf8) + [6] + Array("s3cret".utf8))
        try decodesWhole(request.bytes, as: request, SOCKSPasswordRequest.decode)
        // An empty password is a valid message (the credentials then decide).
        try decodesWhole([1, 1, 0x61, 0], as: SOCKSPasswordRequest(username: [0x61], password: []), SOCKSPasswordRequest.decode)
        #expect(throws: SOCKSError.self) { try SOCKSPasswordRequest.decode([5, 1, 0x61, 0]) }
        #expect(throws: SOCKSError.self) { try SOCKSPasswordRequest.decode([1, 0, 0]) }
        #expect(SOCKSPasswordRequest.verdict(success: true) == [1, 0])
        #expect(SOCKSPasswordRequest.verdict(success: false) == [1, 1])
    }

    @Test func requestsOfEveryAddressType() throws {
        let v4 = SOCKSRequest(command: .connect, destination: ProxyDestination(host: .address(RPCAddress(text: "10.6.0.2")!), port: 8000))
        #expect(v4.bytes == [5, 1, 0, 1, 10, 6, 0, 2, 0x1f, 0x40])
        try decodesWhole(v4.bytes, as: v4, SOCKSRequest.decode)

        let v6 = SOCKSRequest(command: .udpAssociate, destination: ProxyDestination(host: .address(RPCAddress(text: "fd00::2")!), port: 53))
        #expect(v6.bytes == [5, 3, 0, 4, 0xfd] + [UInt8](repeating: 0, count: 14) + [2, 0, 53])
        try decodesWhole(v6.bytes, as: v6, SOCKSRequest.decode)

        let name = SOCKSRequest(command: .connect, destination: ProxyDestination(host: .name("db.lab.internal"), port: 5432))
        #expect(name.bytes == [5, 1, 0, 3, 15] + Array("db.lab.internal".utf8) + [0x15, 0x38])
        try decodesWhole(name.bytes, as: name, SOCKSRequest.decode)

        #expect(throws: SOCKSError.commandNotSupported(9)) { try SOCKSRequest.decode([5, 9, 0, 1]) }
        #expect(SOCKSError.commandNotSupported(9).reply == .commandNotSupported)
        #expect(throws: SOCKSError.addressTypeNotSupported(2)) { try SOCKSRequest.decode([5, 1, 0, 2, 1, 2, 3, 4, 0, 80]) }
        #expect(SOCKSError.addressTypeNotSupported(2).reply == .addressTypeNotSupported)
        #expect(throws: SOCKSError.self) { try SOCKSRequest.decode([5, 1, 0, 3, 0, 0, 80]) }  // empty name
        #expect(throws: SOCKSError.self) { try SOCKSRequest.decode([5, 1, 0, 3, 2, 0x61, 0x00, 0, 80]) }  // NUL in the name
        #expect(throws: SOCKSError.self) { try SOCKSRequest.decode([5, 1, 7, 1, 1, 2, 3, 4, 0, 80]) }  // reserved byte
        #expect(throws: SOCKSError.badVersion(4)) { try SOCKSRequest.decode([4, 1, 0]) }
        #expect(try SOCKSRequest.decode([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]) == .complete(
            SOCKSRequest(command: .bind, destination: SOCKSReply.unspecified), consumed: 10))
    }

    @Test func repliesAndDatagrams() throws {
        let bound = ProxyDestination(host: .address(RPCAddress(text: "127.0.0.1")!), port: 40000)
        let reply = SOCKSReply(code: .succeeded, bound: bound)
        #expect(reply.bytes == [5, 0, 0, 1, 127, 0, 0, 1, 0x9c, 0x40])
        try decodesWhole(reply.bytes, as: reply, SOCKSReply.decode)
        #expect(SOCKSReply(code: .notAllowed).bytes == [5, 2, 0, 1, 0, 0, 0, 0, 0, 0])

        let peer = ProxyDestination(host: .address(RPCAddress(text: "10.6.0.2")!), port: 53)
        let datagram = SOCKSDatagram.header(for: peer) + Array("question".utf8)
        #expect(Array(datagram.prefix(10)) == [0, 0, 0, 1, 10, 6, 0, 2, 0, 53])
        let decoded = try SOCKSDatagram.decode(datagram)
        #expect(decoded == SOCKSDatagram(fragment: 0, destination: peer, payloadOffset: 10))
        #expect(Array(datagram[decoded.payloadOffset...]) == Array("question".utf8))
        #expect(try SOCKSDatagram.decode([0, 0, 1, 3, 1, 0x61, 0, 9]).fragment == 1)
        #expect(throws: SOCKSError.self) { try SOCKSDatagram.decode([0, 0, 0, 1, 10, 6]) }
        #expect(throws: SOCKSError.self) { try SOCKSDatagram.decode([0, 1, 0, 1, 10, 6, 0, 2, 0, 53]) }
        #expect(throws: SOCKSError.addressTypeNotSupported(5)) { try SOCKSDatagram.decode([0, 0, 0, 5, 1]) }
    }
}
