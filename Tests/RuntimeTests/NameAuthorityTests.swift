import DNS
import Testing
import ZeroTier
import ControlPlane
@testable import Runtime

@Suite struct NameAuthorityTests {
    static let controller = Address(rawValue: 0xeb21cf1157)!
    static let network = NetworkID(controller: controller, number: 0x70cef5)
    static let web = Address(rawValue: 0x61ade93a04)!
    static let other = Address(rawValue: 0x0f2b746673)!
    static let stranger = Address(rawValue: 0x1122334455)!

    func store(answering: Bool = true) -> InMemoryControllerStore {
        let store = InMemoryControllerStore()
        try! store.save(ControllerNetwork(id: Self.network, creationTime: 1, rfc4193: true,
                                          dns: NetworkConfig.DNS(domain: "zt.example", servers: []), controllerAnswersDNS: answering))
        var web = ControllerMember(network: Self.network, address: Self.web, creationTime: 1)
        web.authorized = true
        web.ipAssignments = [IPAddress("10.147.17.5")!]
        web.name = "web"
        try! store.save(web)
        var other = ControllerMember(network: Self.network, address: Self.other, creationTime: 1)
        other.authorized = true
        try! store.save(other)
        var stranger = ControllerMember(network: Self.network, address: Self.stranger, creationTime: 1)
        stranger.name = "stranger"
        stranger.ipAssignments = [IPAddress("10.147.17.9")!]
        try! store.save(stranger)
        return store
    }

    func ask(_ name: String, _ type: UInt16 = DNSType.a, store: InMemoryControllerStore? = nil) throws -> DNSReply {
        let authority = NameAuthority(store: store ?? self.store())
        let answer = try #require(authority.answer(DNSQuery(id: 99, name: DNSName(name)!, type: type).bytes, on: Self.network))
        return try DNSReply(parsing: answer)
    }

    @Test func aNamedMemberByNameAndEveryMemberByAddress() throws {
        #expect(try ask("web.zt.example").addresses == [[10, 147, 17, 5]])
        #expect(try ask("WEB.zt.EXAMPLE").addresses == [[10, 147, 17, 5]])
        let rfc4193 = IPPrefix.rfc4193(network: Self.network, member: Self.web).ip.bytes
        #expect(try ask("web.zt.example", DNSType.aaaa).addresses == [rfc4193])
        #expect(try ask("61ade93a04.zt.example", DNSType.aaaa).addresses == [rfc4193])
        #expect(try ask("0f2b746673.zt.example", DNSType.a).addresses.isEmpty, "no IPv4: NODATA")
        #expect(try ask("0f2b746673.zt.example", DNSType.a).header.responseCode == .noError)
        let reply = try ask("web.zt.example")
        #expect(reply.header.id == 99)
        #expect(reply.header.flags & 0x0400 != 0, "authoritative")
    }

    @Test func aMembersAddressLooksUpToItsName() throws {
        func pointer(_ address: String) throws -> (code: DNSResponseCode, name: DNSName?) {
            let bytes = try #require(IPAddress(address)).bytes
            let authority = NameAuthority(store: store())
            let answer = try #require(authority.answer(DNSQuery(id: 5, name: DNSName.reverse(of: bytes), type: DNSType.ptr).bytes, on: Self.network))
            let reply = try DNSReply(parsing: answer)
            return (reply.header.responseCode, reply.names.first)
        }
        #expect(try pointer("10.147.17.5") == (.noError, DNSName("web.zt.example")))
        let rfc4193 = IPPrefix.rfc4193(network: Self.network, member: Self.other).ip.description
        #expect(try pointer(rfc4193) == (.noError, DNSName("0f2b746673.zt.example")), "no name: its address label")
        #expect(try pointer("10.147.17.9").code == .refused, "an unauthorized member's address, outside every route here")
        #expect(try pointer(IPPrefix.rfc4193(network: Self.network, member: Self.stranger).ip.description).code == .nameError)
        #expect(try pointer("192.0.2.1").code == .refused)
    }

    @Test func unknownAndUnauthorizedNamesDoNotExist() throws {
        #expect(try ask("nothere.zt.example").header.responseCode == .nameError)
        #expect(try ask("stranger.zt.example").header.responseCode == .nameError, "not authorized")
        #expect(try ask("1122334455.zt.example").header.responseCode == .nameError)
        #expect(try ask("a.web.zt.example").header.responseCode == .nameError)
        #expect(try ask("zt.example").header.responseCode == .noError)
    }

    @Test func outsideTheDomainOrWithoutSelfAnswersItRefuses() throws {
        #expect(try ask("web.example").header.responseCode == .refused)
        #expect(try ask("web.zt.example", store: store(answering: false)).header.responseCode == .refused)
    }

    @Test func malformedQueriesGetFormatErrorAndResponsesNothing() {
        let authority = NameAuthority(store: store())
        #expect(authority.answer([0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 5, 0x61], on: Self.network)?.prefix(4) == [0xab, 0xcd, 0x80, 0x01])
        #expect(authority.answer([0xab, 0xcd, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0], on: Self.network) == nil)
        #expect(authority.answer([1], on: Self.network) == nil)
    }

    @Test func theControllersAddressesLeadThePushedServers() throws {
        let store = self.store()
        var own = ControllerMember(network: Self.network, address: Self.controller, creationTime: 1)
        own.authorized = true
        own.ipAssignments = [IPAddress("10.147.17.1")!]
        try store.save(own)
        var network = store.network(Self.network)!
        network.dns = NetworkConfig.DNS(domain: "zt.example", servers: [IPAddress("10.147.17.53")!])
        let pushed = NetworkController.pushedDNS(of: network, store: store)
        #expect(pushed?.servers == [IPAddress("10.147.17.1")!, IPPrefix.rfc4193(network: Self.network, member: Self.controller).ip,
                                    IPAddress("10.147.17.53")!])
        network.controllerAnswersDNS = false
        #expect(NetworkController.pushedDNS(of: network, store: store)?.servers == [IPAddress("10.147.17.53")!])
    }
}
