import DNS
import Foundation
import Glibc
import NetconRPC
import Testing

/// A controller's own names (`set-dns --self`), asked of a member's resolver the way a program's query reaches it:
/// a virtual UDP socket's datagram to port 53 of a host name server (the routes say which), here through the RPC.
@Suite(.serialized) struct NameTests {
    /// Sends `name`'s query to the node's resolver and returns the reply (nil: no answer within 5 s).
    static func resolve(_ name: String, _ type: UInt16 = DNSType.a, via client: RPCClient, isolated: Bool = true) throws -> DNSReply? {
        let routes = try client.call(.routes).reply.routes
        let server = try #require(routes.first { $0.kind == .resolver }, "the node routes the host's name servers to itself")
        let domain: RPCDomain = if case .v4 = server.network { .inet } else { .inet6 }
        let socket = try client.call(.udpBind(local: RPCEndpoint(address: nil, port: 0), domain: domain, v6Only: false, isolated: isolated))
        let fd = try #require(socket.descriptor)
        defer { close(fd) }
        setReceiveTimeout(fd, seconds: 5)
        let query = DNSQuery(id: 0x2b2b, name: DNSName(name)!, type: type)
        let datagram = RPCDatagramHeader(peer: RPCEndpoint(address: server.network, port: 53)).bytes + query.bytes
        #expect(send(fd, datagram, datagram.count, 0) == datagram.count)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > RPCDatagramHeader.size else { return nil }
        let header = try buffer.withUnsafeBytes { try RPCDatagramHeader(prefixOf: $0) }
        #expect(header.peer == RPCEndpoint(address: server.network, port: 53), "the answer comes from the server asked")
        return try DNSReply(parsing: Array(buffer[RPCDatagramHeader.size..<count]))
    }

    @Test func aControllerAnswersItsNetworksNames() throws {
        let (world, addresses) = try StackTransferTests.configuredWorld()
        let root = world.home("root").path
        let status = try NetconProcess.run(["status", "--home", world.home("m1").path, "--json"])
        let network = try #require(try JSONDecoder().decode(WorldTests.NetworkStatusJSON.self, from: Data(status.stdout.utf8)).networks.first?.id)

        let noDomain = try NetconProcess.run(["network", "set-dns", network, "--self", "--home", root])
        #expect(noDomain.status == 64 && noDomain.stderr.contains("--self needs --domain"), "\(noDomain.stderr)")
        let set = try NetconProcess.run(["network", "set-dns", network, "--domain", "names.example", "--self", "--home", root])
        #expect(set.status == 0 && set.stdout.contains("names answered by this controller"), "\(set.stdout)\(set.stderr)")
        #expect(try NetconProcess.run(["member", "set-name", network, world.addresses["m2"]!, "db", "--home", root]).status == 0)
        // The controller joined its network, and its address there is the members' server.
        let rootNetwork = try #require(try WorldTests().network(world, "root", network))
        let rootIPv4 = String(try #require(rootNetwork.assignedAddresses.first { $0.contains(".") }).split(separator: "/")[0])
        try world.waitUntil("m1 to get the controller as its server") {
            try NetconProcess.run(["status", "--home", world.home("m1").path]).stdout.contains("dns \(network): names.example via \(rootIPv4)")
        }

        let m1 = RPCClient(path: world.home("m1").path + "/rpc.sock")
        let m2IPv4 = try #require(addresses["m2"]?.first { $0.contains(".") })
        let m2IPv6 = try #require(addresses["m2"]?.first { $0.contains(":") })
        let byName = try #require(try Self.resolve("db.names.example", via: m1))
        #expect(byName.header.responseCode == .noError && byName.header.id == 0x2b2b)
        #expect(byName.addresses == [Array(IPv4Bytes(m2IPv4))])
        let byAddress = try #require(try Self.resolve("\(world.addresses["m2"]!).names.example", DNSType.aaaa, via: m1))
        #expect(byAddress.addresses == [Array(IPv6Bytes(m2IPv6))])
        #expect(try Self.resolve("nothere.names.example", via: m1)?.header.responseCode == .nameError)
        // An isolated program's host name is refused without being sent anywhere.
        #expect(try Self.resolve("elsewhere.example", via: m1)?.header.responseCode == .refused)
        // A renamed member answers under its new name only.
        #expect(try NetconProcess.run(["member", "set-name", network, world.addresses["m2"]!, "store", "--home", root]).status == 0)
        #expect(try Self.resolve("store.names.example", via: m1)?.addresses == [Array(IPv4Bytes(m2IPv4))])
        #expect(try Self.resolve("db.names.example", via: m1)?.header.responseCode == .nameError)
    }

    private func IPv4Bytes(_ text: String) -> [UInt8] {
        var address = in_addr()
        inet_pton(AF_INET, text, &address)
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    private func IPv6Bytes(_ text: String) -> [UInt8] {
        var address = in6_addr()
        inet_pton(AF_INET6, text, &address)
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}
