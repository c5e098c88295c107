import ControlPlane
import FoundationEssentials

/// Human-readable output of the `network` and `member` commands.
enum ControllerReport {
    static func networks(_ networks: [ControllerNetworkInfo]) -> String {
        guard !networks.isEmpty else { return "this node controls no networks (create one with `netcon network create`)\n" }
        return Table.render(
            header: ["NETWORK", "NAME", "TYPE", "POOLS", "MEMBERS", "AUTHORIZED"],
            rows: networks.map { network in
                [network.id.description, network.name.isEmpty ? "-" : network.name, network.isPrivate ? "PRIVATE" : "PUBLIC",
                 network.pools.isEmpty ? "-" : network.pools.joined(separator: ","), String(network.memberCount), String(network.authorizedCount)]
            }
        )
    }

    static func network(_ network: ControllerNetworkInfo) -> String {
        var ipv6 = [String]()
        if network.rfc4193 { ipv6.append("rfc4193") }
        if network.sixPlane { ipv6.append("6plane") }
        return """
            network    \(network.id)
            name       \(network.name.isEmpty ? "-" : network.name)
            type       \(network.isPrivate ? "PRIVATE (members need authorization)" : "PUBLIC (anyone may join)")
            pools      \(network.pools.isEmpty ? "-" : network.pools.joined(separator: ", "))
            routes     \(network.routes.isEmpty ? "-" : network.routes.joined(separator: ", "))
            ipv6       \(ipv6.isEmpty ? "-" : ipv6.joined(separator: ", "))
            mtu        \(network.mtu)
            dns        \(Self.dns(domain: network.dnsDomain, servers: network.dnsServers))\(network.dnsAnsweredByController == true ? " (names answered by this controller)" : "")
            revision   \(network.revision)
            members    \(network.memberCount) (\(network.authorizedCount) authorized)

            """
    }

    /// `domain via server, server`, `-` when nothing is set.
    static func dns(domain: String?, servers: [String]?) -> String {
        let domain = domain ?? "", servers = servers ?? []
        guard !domain.isEmpty || !servers.isEmpty else { return "-" }
        return (domain.isEmpty ? "(no domain)" : domain) + (servers.isEmpty ? "" : " via " + servers.joined(separator: ", "))
    }

    static func members(_ members: [ControllerMemberInfo], now: Int64) -> String {
        guard !members.isEmpty else { return "no members yet\n" }
        return Table.render(
            header: ["MEMBER", "NAME", "AUTHORIZED", "ADDRESSES", "LAST SEEN", "VERSION"],
            rows: members.map { member in
                [member.address.description, member.name ?? "-", member.authorized ? "yes" : "no",
                 member.ipAssignments.isEmpty ? "-" : member.ipAssignments.joined(separator: ","),
                 member.lastSeen.map { "\(max(0, now - $0) / 1000) s ago" } ?? "never", member.version ?? "-"]
            }
        )
    }

    static func member(_ member: ControllerMemberInfo) -> String {
        "\(member.address) on \(member.network): \(member.authorized ? "authorized" : "not authorized"), addresses "
            + (member.ipAssignments.isEmpty ? "-" : member.ipAssignments.joined(separator: ", "))
            + (member.name.map { ", name \($0)" } ?? "") + "\n"
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// Left-aligned columns separated by two spaces.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column] + String(repeating: " ", count: widths[column] - row[column].count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
