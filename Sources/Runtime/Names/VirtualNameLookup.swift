import CNetconSys
import DNS
import Glibc
import NetconRPC
import ZeroTier

/// A name looked up through a node's resolver by a process of netcon's own that is not intercepted (the proxy,
/// forwards): the same answers a program under `netcon exec` gets, asked over a virtual UDP socket of the RPC.
public struct VirtualNameLookup: Sendable {
    public enum Outcome: Equatable, Sendable {
        case addresses([IPAddress])
        /// The name does not exist (NXDOMAIN), or has no address of the families asked.
        case noSuchName
        /// Not a virtual network's name, and host names were not asked for.
        case notVirtual
        /// No answer in time, or the server failed.
        case failed
    }

    let rpc: RPCClient
    static let timeoutMilliseconds: Int32 = 5_000

    public init(rpcSocket: String) {
        rpc = RPCClient(path: rpcSocket)
    }

    /// `hostNames`: names outside the virtual networks too, as the host resolves them (through the node).
    public func lookUp(_ name: String, hostNames: Bool) throws(NetconError) -> Outcome {
        guard let dnsName = DNSName(name), !dnsName.isRoot else { return .noSuchName }
        guard let server = try rpc.call(.routes).reply.routes.first(where: { $0.kind == .resolver })?.network else { return .failed }
        let domain: RPCDomain = if case .v4 = server { .inet } else { .inet6 }
        let answer = try rpc.call(.udpBind(local: RPCEndpoint(address: nil, port: 0), domain: domain, v6Only: false, isolated: !hostNames))
        guard let socket = answer.descriptor else { return .failed }
        defer { socket.close() }
        let peer = RPCEndpoint(address: server, port: 53)
        var pending: [UInt16: Bool] = [:]
        for type in [DNSType.a, DNSType.aaaa] {
            let id = UInt16.random(in: .min ... .max)
            pending[id] = true
            let datagram = RPCDatagramHeader(peer: peer).bytes + DNSQuery(id: id, name: dnsName, type: type).bytes
            guard send(socket.rawValue, datagram, datagram.count, netcon_msg_nosignal) == datagram.count else { return .failed }
        }
        var addresses: [IPAddress] = []
        var codes: [DNSResponseCode] = []
        let deadline = monotonicMilliseconds() + Int64(Self.timeoutMilliseconds)
        var buffer = [UInt8](repeating: 0, count: 4096 + RPCDatagramHeader.size)
        while !pending.isEmpty {
            let left = deadline - monotonicMilliseconds()
            var ready = pollfd(fd: socket.rawValue, events: Int16(POLLIN), revents: 0)
            guard left > 0, poll(&ready, 1, Int32(left)) > 0 else { break }
            let count = recv(socket.rawValue, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > RPCDatagramHeader.size,
                  let reply = try? DNSReply(parsing: Array(buffer[RPCDatagramHeader.size..<count])),
                  pending.removeValue(forKey: reply.header.id) != nil else { continue }
            codes.append(reply.header.responseCode)
            addresses += reply.addresses.compactMap { IPAddress(bytes: $0) }
        }
        if !addresses.isEmpty { return .addresses(addresses) }
        if codes.contains(.refused) { return .notVirtual }
        if !codes.isEmpty, codes.allSatisfy({ $0 == .nameError || $0 == .noError }) { return .noSuchName }
        return .failed
    }

    private func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
