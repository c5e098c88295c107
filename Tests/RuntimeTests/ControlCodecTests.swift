import ControlPlane
import Testing
import ZeroTier

@Suite struct ControlCodecTests {
    func roundTrip<Message: Codable & Equatable>(_ message: Message) throws -> Message {
        let frame = ControlCodec.encode(message)
        let length = try ControlCodec.frameLength(prefix: frame[0..<4])
        #expect(length == frame.count - 4)
        return try ControlCodec.decode(Message.self, body: frame[4...])
    }

    @Test func everyRequestRoundTrips() throws {
        let network = NetworkID("8056c2e21c000001")!
        for request in [ControlRequest.status, .join(network), .leave(network)] {
            #expect(try roundTrip(request) == request)
        }
    }

    @Test func everyResponseRoundTrips() throws {
        let network = NetworkID("8056c2e21c000001")!
        let address = Address("099fc4e1a0")!
        let networkStatus = NetworkStatus(
            id: network, name: "lab", mac: MAC(address: address, network: network), state: .ok, kind: .private,
            mtu: 2800, assignedAddresses: ["10.147.17.171/24"]
        )
        let peer = PeerStatus(
            address: Address("4518434e30")!, role: .planet, version: "1.14.1", latencyMilliseconds: 3,
            paths: [.init(endpoint: "127.0.0.1/9993", lastSendMillisecondsAgo: 10, lastReceiveMillisecondsAgo: 20, active: true, preferred: true)]
        )
        let status = NodeStatus(
            address: address, version: "0.1.0", running: true, online: true, port: 9993, pid: 42, home: "/h",
            networks: [networkStatus], peers: [peer]
        )
        let responses: [ControlResponse] = [
            .status(status), .joined(networkStatus), .left(network, wasJoined: true),
            .failure(ControlFailure(.storage, "disk full")),
        ]
        for response in responses {
            #expect(try roundTrip(response) == response)
        }
    }

    @Test func badFramesAreRejectedWithReasons() throws {
        #expect(throws: ControlCodec.CodecError.frameTooLarge(0xffff_ffff)) {
            try ControlCodec.frameLength(prefix: [0xff, 0xff, 0xff, 0xff])
        }
        #expect(throws: ControlCodec.CodecError.unsupportedVersion(2)) {
            try ControlCodec.decode(ControlRequest.self, body: Array(#"{"version":2,"body":{"status":{}}}"#.utf8))
        }
        #expect(throws: ControlCodec.CodecError.self) {
            try ControlCodec.decode(ControlRequest.self, body: Array(#"{"version":1,"body":{"join":{"_0":"xyz"}}}"#.utf8))
        }
        #expect(throws: ControlCodec.CodecError.self) { try ControlCodec.decode(ControlRequest.self, body: Array("][".utf8)) }
    }
}
