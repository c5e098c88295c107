import CNetconIntercept
import ControlPlane
import Foundation
import NetconRPC

/// The codecs of netcon's own sockets and files, which a local program or a damaged file can fill with anything:
/// the control socket, the RPC socket (node side in Swift, program side in C) and the controller database.
enum LocalCodecTargets {
    static func control(_ bytes: [UInt8]) {
        if bytes.count >= 4 { _ = try? ControlCodec.frameLength(prefix: bytes.prefix(4)) }
        roundTrip(ControlRequest.self, bytes)
        roundTrip(ControlResponse.self, bytes)
    }

    private static func roundTrip<Body: Codable & Equatable>(_ type: Body.Type, _ bytes: [UInt8]) {
        guard let body = try? ControlCodec.decode(type, body: bytes) else { return }
        let frame = ControlCodec.encode(body)
        FuzzCheck.require((try? ControlCodec.frameLength(prefix: frame.prefix(4))) == frame.count - 4, "control frame length")
        FuzzCheck.require((try? ControlCodec.decode(type, body: frame.dropFirst(4))) == body, "\(type) does not survive re-encoding")
    }

    static func rpc(_ bytes: [UInt8]) {
        if let request = try? RPCRequest(bytes: bytes) {
            FuzzCheck.require((try? RPCRequest(bytes: request.bytes)) == request, "RPC request does not survive re-encoding")
        }
        if let reply = try? RPCReply(bytes: bytes) {
            FuzzCheck.require((try? RPCReply(bytes: reply.bytes)) == reply, "RPC reply does not survive re-encoding")
        }
        let header = bytes.withUnsafeBytes { try? RPCDatagramHeader(prefixOf: $0) }
        if let header {
            let again = header.bytes.withUnsafeBytes { try? RPCDatagramHeader(prefixOf: $0) }
            FuzzCheck.require(again == header, "datagram header does not survive re-encoding")
        }
        _ = bytes.withUnsafeBufferPointer { netcon_intercept_parse_one($0.baseAddress, $0.count) }
    }

    static func controllerRecords(_ bytes: [UInt8]) {
        let data = Data(bytes)
        if let record = try? JSONDecoder().decode(NetworkRecord.self, from: data), let network = try? record.model() {
            let again = try? reencoded(NetworkRecord(network)).model()
            FuzzCheck.require(again == network, "controller network does not survive its database record")
        }
        if let record = try? JSONDecoder().decode(MemberRecord.self, from: data), let member = try? record.model() {
            let again = try? reencoded(MemberRecord(member)).model()
            FuzzCheck.require(again == member, "controller member does not survive its database record")
        }
    }

    private static func reencoded<Record: Codable>(_ record: Record) throws -> Record {
        try JSONDecoder().decode(Record.self, from: JSONEncoder().encode(record))
    }
}
