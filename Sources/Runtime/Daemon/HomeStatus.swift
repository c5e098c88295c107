import ControlPlane
import ZeroTier

/// What can be said about a node from its home directory alone, for `status` when no daemon runs.
public enum HomeStatus {
    public static func read(_ home: NodeHome) throws(NetconError) -> NodeStatus {
        try home.requireUsableDirectory()
        guard let identity = try IdentityStore(home: home).loadPublic() else { throw .noIdentity(home: home.path) }
        let networks = try JoinedNetworks(home: home).list().map {
            NetworkStatus.awaitingConfiguration($0, member: identity.address, state: .notRunning)
        }
        let planet = try? PlanetStore(home: home).load(allowDefault: true)
        return NodeStatus(
            address: identity.address, version: NetconVersion.current, running: false, online: false, port: nil,
            pid: nil, home: home.path, networks: networks, peers: [], planet: planet.map(PlanetStatus.init)
        )
    }
}
