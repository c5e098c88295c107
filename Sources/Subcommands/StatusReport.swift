import ControlPlane

/// The human-readable form of `netcon status`, laid out like `zerotier-cli info`, `listnetworks`, `listpeers`.
struct StatusReport {
    let status: NodeStatus

    init(_ status: NodeStatus) { self.status = status }

    var text: String {
        var lines = [String]()
        let state = status.running ? (status.online ? "ONLINE" : "OFFLINE") : "NOT RUNNING"
        var info = "node \(status.address)  netcon \(status.version)  \(state)"
        if let port = status.port { info += "  port \(port)" }
        if let pid = status.pid { info += "  pid \(pid)" }
        lines.append(info)
        lines.append("home \(status.home)")
        if let planet = status.planet {
            let roots = planet.roots.map(\.description).joined(separator: ", ")
            lines.append("planet \(planet.isDefault ? "ZeroTier public" : String(planet.id))  roots \(roots)")
        }
        if let traffic = status.traffic {
            var line = "traffic received \(traffic.datagramsReceived)  sent \(traffic.datagramsSent)  relayed \(traffic.packetsRelayed)  dropped \(traffic.droppedTotal)"
            if traffic.droppedTotal > 0 {
                line += " (" + traffic.dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
            }
            lines.append(line)
        }
        if let sockets = status.sockets {
            lines.append("sockets tcp \(sockets.tcpConnections)  listening \(sockets.tcpListeners)  udp \(sockets.udp)  icmp \(sockets.icmp)"
                + "  (lwIP pcbs: tcp \(sockets.stackTCPActive), listen \(sockets.stackTCPListening), bound \(sockets.stackTCPBound),"
                + " time-wait \(sockets.stackTCPTimeWait), udp \(sockets.stackUDP))")
        }
        if !status.running { lines.append("the daemon is not running (start it with `netcon run --home \(status.home)`)") }
        lines.append("")
        lines.append(contentsOf: table(
            header: ["NETWORK", "NAME", "MAC", "STATUS", "TYPE", "MTU", "ADDRESSES"],
            rows: status.networks.map { network in
                [network.id.description, network.name.isEmpty ? "-" : network.name, network.mac.description, network.state.rawValue,
                 network.kind.rawValue, network.mtu.map(String.init) ?? "-",
                 network.assignedAddresses.isEmpty ? "-" : network.assignedAddresses.joined(separator: ",")]
            },
            empty: "no networks joined"
        ))
        for network in status.networks where network.dnsDomain != nil || network.dnsServers != nil {
            lines.append("dns \(network.id): \(ControllerReport.dns(domain: network.dnsDomain, servers: network.dnsServers))")
        }
        lines.append("")
        lines.append(contentsOf: table(
            header: ["PEER", "ROLE", "VERSION", "LATENCY", "PATHS"],
            rows: status.peers.map { peer in
                [peer.address.description, peer.role.rawValue, peer.version ?? "-",
                 peer.latencyMilliseconds.map { "\($0) ms" } ?? "-",
                 peer.paths.isEmpty ? "relayed" : peer.paths.map { $0.endpoint + ($0.preferred ? "*" : "") }.joined(separator: ",")]
            },
            empty: "no peers"
        ))
        return lines.joined(separator: "\n") + "\n"
    }

    private func table(header: [String], rows: [[String]], empty: String) -> [String] {
        guard !rows.isEmpty else { return [empty] }
        return Table.render(header: header, rows: rows).split(separator: "\n").map(String.init)
    }
}
