import DNS
import ZeroTier

/// The answers a controller gives for a network whose names it serves (`set-dns --self`), from its member
/// records: `<name>.<domain>` for a named member and `<address>.<domain>` for every member, A and AAAA from
/// its assigned addresses (and its rfc4193/6plane ones). Authorized members only; authoritative within the
/// domain, REFUSED outside it.
package struct NameAuthority {
    package let store: ControllerStore
    package static let ttl: UInt32 = 60

    package init(store: ControllerStore) {
        self.store = store
    }

    /// The response to `message`, received on one of the node's addresses in `network`; nil for a datagram that
    /// deserves none (a response, or too short to have an ID).
    package func answer(_ message: [UInt8], on network: NetworkID) -> [UInt8]? {
        guard let query = try? DNSQuery(parsing: message) else { return DNSQuery.formatError(for: message) }
        guard query.header.opcode == 0 else { return query.response(.notImplemented, recursionAvailable: false) }
        guard let settings = store.network(network), settings.controllerAnswersDNS,
              let domain = settings.dns.flatMap({ DNSName($0.domain) }), !domain.isRoot else {
            return query.response(.refused, recursionAvailable: false)
        }
        if let address = query.name.reverseAddress.flatMap({ IPAddress(bytes: $0) }) {
            return reverse(query, address, in: settings, domain: domain)
        }
        guard query.name.isWithin(domain) else { return query.response(.refused, recursionAvailable: false) }
        let labels = query.name.labels(before: domain)
        guard query.questionClass == DNSType.internetClass || query.questionClass == DNSType.any else {
            return query.response(.refused, authoritative: true, recursionAvailable: false)
        }
        if labels.isEmpty { return query.response(.noError, authoritative: true, recursionAvailable: false) }
        guard labels.count == 1, let member = member(named: labels.first!, in: settings) else {
            return query.response(.nameError, authoritative: true, recursionAvailable: false)
        }
        let records = addresses(of: member, in: settings).compactMap { address -> DNSRecordData? in
            switch (address.isIPv4, query.type) {
            case (true, DNSType.a), (true, DNSType.any): .a(address.bytes)
            case (false, DNSType.aaaa), (false, DNSType.any): .aaaa(address.bytes)
            default: nil
            }
        }
        return query.response(.noError, records: records, ttl: Self.ttl, authoritative: true, recursionAvailable: false)
    }

    /// A reverse lookup of a member's address: its name under the domain (its address label when it has none);
    /// NXDOMAIN for another address of the network's, REFUSED for one outside it.
    private func reverse(_ query: DNSQuery, _ address: IPAddress, in network: ControllerNetwork, domain: DNSName) -> [UInt8] {
        let members = store.members(of: network.id).filter(\.authorized)
        guard let member = members.first(where: { addresses(of: $0, in: network).contains(address) }) else {
            var prefixes = network.routes.map { IPPrefix(ip: $0.target, prefixLength: $0.prefixLength) }
            if network.rfc4193 { prefixes.append(IPPrefix.rfc4193(network: network.id, member: network.id.controller).network) }
            if network.sixPlane { prefixes.append(IPPrefix.sixPlane(network: network.id, member: network.id.controller).network) }
            let inside = prefixes.contains { $0.contains(address) }
            return query.response(inside ? .nameError : .refused, authoritative: inside, recursionAvailable: false)
        }
        let label = member.name.isEmpty ? member.address.description : member.name
        let name = DNSName(labels: [Array(label.utf8)] + domain.labels)
        let wanted = query.type == DNSType.ptr || query.type == DNSType.any
        return query.response(.noError, records: wanted ? [.ptr(name)] : [], ttl: Self.ttl, authoritative: true, recursionAvailable: false)
    }

    /// The authorized member with this name, or whose 10-digit address this is.
    private func member(named label: [UInt8], in network: ControllerNetwork) -> ControllerMember? {
        let text = String(decoding: label, as: UTF8.self)
        let members = store.members(of: network.id).filter(\.authorized)
        if let named = members.first(where: { $0.name == text }) { return named }
        guard label.count == 10, let address = Address(text) else { return nil }
        return members.first { $0.address == address }
    }

    private func addresses(of member: ControllerMember, in network: ControllerNetwork) -> [IPAddress] {
        var addresses = member.ipAssignments
        if network.rfc4193 { addresses.append(IPPrefix.rfc4193(network: network.id, member: member.address).ip) }
        if network.sixPlane { addresses.append(IPPrefix.sixPlane(network: network.id, member: member.address).ip) }
        return addresses
    }
}
