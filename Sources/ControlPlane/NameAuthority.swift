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
              let domain = settings.dns.flatMap({ DNSName($0.domain) }), !domain.isRoot, query.name.isWithin(domain) else {
            return query.response(.refused, recursionAvailable: false)
        }
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
