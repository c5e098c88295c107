import ControlPlane
import Foundation
import NetconRPC
import ZeroTier

/// Seeds for the targets whose inputs netcon itself writes (control messages, RPC messages), made by the real
/// encoders so the fuzzer starts from well-formed messages; `Fuzz/seed-corpus.py` adds the seeds that come from
/// ZeroTier One's own data. `NetconFuzz --write-seeds DIR` writes `DIR/<target>/…`.
enum SeedCorpus {
    static func write(to directory: String) throws {
        for (target, seeds) in [(FuzzTarget.control, controlSeeds()), (.rpc, rpcSeeds()), (.dns, NameTargets.seeds())] {
            let folder = "\(directory)/\(target.rawValue)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (index, seed) in seeds.enumerated() {
                try Data(seed).write(to: URL(fileURLWithPath: "\(folder)/seed-\(index)"))
            }
            print("\(folder): \(seeds.count) seeds from netcon's encoders")
        }
    }

    static func controlSeeds() -> [[UInt8]] {
        let network = NetworkID(rawValue: 0xcf2d_aa94_e400_0001)
        let member = Address(rawValue: 0x0f84_5b70_51)!
        let requests: [ControlRequest] = [
            .status, .join(network), .leave(network), .ping(member), .ipPing("10.147.20.2"), .networkList,
            .networkShow(network), .memberList(network), .memberAuthorize(network, member, authorized: true),
            .memberSetIPs(network, member, ["10.147.20.9", "fd00::9"]),
        ]
        let responses: [ControlResponse] = [
            .left(network, wasJoined: true), .ipPong(address: "10.147.20.2", roundTripMicroseconds: 512),
            .networkDeleted(network),
        ]
        return requests.map { Array(ControlCodec.encode($0).dropFirst(4)) }
            + responses.map { Array(ControlCodec.encode($0).dropFirst(4)) }
    }

    static func rpcSeeds() -> [[UInt8]] {
        let v4 = RPCAddress(v4: [10, 147, 20, 2])!
        let v6 = RPCAddress(v6: [0xfd] + [UInt8](repeating: 0, count: 14) + [2])!
        let requests: [RPCRequest] = [
            .routes,
            .tcpConnect(remote: RPCEndpoint(address: v4, port: 80), domain: .inet, options: .init(nonBlocking: true)),
            .tcpListen(local: RPCEndpoint(address: nil, port: 8080), domain: .inet6, backlog: 128, listenHost: false,
                       v6Only: false, reusePort: true),
            .udpBind(local: RPCEndpoint(address: v6, port: 53), domain: .inet6, v6Only: true),
            .udpConnect(inode: 42, remote: RPCEndpoint(address: v4, port: 53)),
            .describe(inode: 42), .setOption(inode: 42, .noDelay, value: 1), .icmpOpen(domain: .inet, raw: true),
        ]
        let replies: [RPCReply] = [
            RPCReply(operation: 1, routes: [RPCRoute(network: v4, prefixLength: 24, kind: .prefix),
                                            RPCRoute(network: v4, prefixLength: 32, kind: .own), RPCRoute(network: v4, prefixLength: 32, kind: .resolver),
                                            RPCRoute(network: v6, prefixLength: 128, kind: .own)]),
            RPCReply(operation: 2, kind: .tcpConnection, domain: .inet, inode: 7,
                     local: RPCEndpoint(address: v4, port: 40000), remote: RPCEndpoint(address: v4, port: 80),
                     connecting: true),
            RPCReply(operation: 6, error: 111),
        ]
        let header = RPCDatagramHeader(peer: RPCEndpoint(address: v6, port: 53), local: RPCEndpoint(address: v6, port: 5353))
        return requests.map(\.bytes) + replies.map(\.bytes) + [header.bytes + Array("payload".utf8)]
    }
}
