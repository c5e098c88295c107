import CNetconIntercept
import ControlPlane
import DNS
import ZeroTier

/// DNS as the node reads it from programs and servers: queries (the resolver, the controller's name server),
/// responses (from the networks' servers and the host's), resolv.conf; and the intercept library's own query and
/// response code (C).
enum NameTargets {
    static let controller = Address(rawValue: 0xeb21cf1157)!
    static let network = NetworkID(controller: controller, number: 0x70cef5)

    /// A controller answering names of one network with a named member.
    nonisolated(unsafe) static let authority: NameAuthority = {
        let store = InMemoryControllerStore()
        try? store.save(ControllerNetwork(id: network, creationTime: 1, rfc4193: true, sixPlane: true,
                                          dns: NetworkConfig.DNS(domain: "zt.example", servers: []), controllerAnswersDNS: true))
        var member = ControllerMember(network: network, address: Address(rawValue: 0x61ade93a04)!, creationTime: 1)
        member.authorized = true
        member.name = "web"
        member.ipAssignments = [IPAddress("10.147.17.5")!, IPAddress("fd00::5")!]
        try? store.save(member)
        return NameAuthority(store: store)
    }()

    static func run(_ bytes: [UInt8]) {
        if let query = try? DNSQuery(parsing: bytes) {
            let response = query.response(.noError, records: [.a([10, 1, 2, 3]), .aaaa(Array(repeating: 1, count: 16))])
            let reply = try? DNSReply(parsing: response)
            FuzzCheck.require(reply?.header.id == query.header.id, "an answer to a query does not read back")
            FuzzCheck.require(reply?.addresses.count == 2, "an answer's records do not read back")
        }
        if let answer = authority.answer(bytes, on: network) {
            FuzzCheck.require(answer.count >= DNSHeader.size && answer[2] & 0x80 != 0, "the name server answered with a non-response")
            FuzzCheck.require((try? DNSReply(parsing: answer)) != nil || answer.count == DNSHeader.size, "the name server's answer does not parse")
        }
        _ = try? DNSReply(parsing: bytes)
        _ = ResolverConfiguration.nameservers(in: String(decoding: bytes, as: UTF8.self))
        _ = DNSName(String(decoding: bytes, as: UTF8.self))
        _ = bytes.withUnsafeBufferPointer { netcon_intercept_parse_dns($0.baseAddress, $0.count) }
    }

    /// Queries and answers as a stub resolver and the controller write them.
    static func seeds() -> [[UInt8]] {
        var seeds: [[UInt8]] = []
        for (name, type) in [("web.zt.example", DNSType.a), ("61ade93a04.zt.example", DNSType.aaaa), ("nothere.zt.example", DNSType.a),
                             ("host.example", DNSType.a)] {
            let query = DNSQuery(id: 0x1234, name: DNSName(name)!, type: type)
            seeds.append(query.bytes)
            if let answer = authority.answer(query.bytes, on: network) { seeds.append(answer) }
        }
        seeds.append(Array("nameserver 10.0.0.53\nnameserver fe80::1%eth0\nsearch example.org\n".utf8))
        return seeds
    }
}
