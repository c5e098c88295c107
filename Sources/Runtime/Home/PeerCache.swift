import Glibc
import ZeroTier

/// Known peers kept in `<home>/peers.d/<address>.peer` so a restarted node skips WHOIS and greets them at
/// once. Each file: the peer's public identity on the first line, then one `IP/PORT` endpoint per line.
public struct PeerCache: Sendable {
    public let home: NodeHome

    public init(home: NodeHome) { self.home = home }

    var directory: String { home.path + "/peers.d" }

    /// Every readable entry; damaged files are skipped (the cache is only an optimisation).
    public func load() -> [CachedPeer] {
        guard let names = try? HomeFile.list(directory) else { return [] }
        return names.filter { $0.hasSuffix(".peer") }.compactMap { name in
            guard let bytes = try? HomeFile.read(directory + "/" + name, limit: 64 << 10) else { return nil }
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            guard let first = lines.first, let identity = try? Identity(first), !identity.hasSecret,
                  name == "\(identity.address).peer" else { return nil }
            return CachedPeer(identity: identity, endpoints: lines.dropFirst().compactMap(InetEndpoint.init))
        }
    }

    /// Replaces the cache with `peers` (atomic per file; stale files removed).
    public func save(_ peers: [CachedPeer]) throws(NetconError) {
        try home.prepare()
        if access(directory, F_OK) != 0 { mkdir(directory, 0o700) }
        var kept = Set<String>()
        for peer in peers {
            let name = "\(peer.identity.address).peer"
            kept.insert(name)
            let text = ([peer.identity.publicString] + peer.endpoints.map(\.description)).joined(separator: "\n") + "\n"
            try HomeFile.writeAtomically(directory + "/" + name, Array(text.utf8), mode: 0o600)
        }
        for name in try HomeFile.list(directory) where name.hasSuffix(".peer") && !kept.contains(name) {
            try HomeFile.remove(directory + "/" + name)
        }
    }
}
