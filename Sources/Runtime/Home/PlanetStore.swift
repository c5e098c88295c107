import ZeroTier

/// Which world a node lives in: `<home>/planet` when present (a private world, as ZeroTier One reads it),
/// else ZeroTier's public planet built into the binary.
public struct PlanetStore: Sendable {
    /// Set in tests and CI so a node can never reach ZeroTier's public roots by accident.
    public static let forbidDefaultVariable = "NETCON_FORBID_DEFAULT_PLANET"

    public let home: NodeHome

    public init(home: NodeHome) { self.home = home }

    public func load(allowDefault: Bool) throws(NetconError) -> World {
        guard let bytes = try HomeFile.read(home.planet, limit: World.maxSerializedLength + 1) else {
            guard allowDefault else { throw .defaultPlanetForbidden(home: home.path) }
            return World.defaultPlanet
        }
        return try Self.decode(bytes, path: home.planet)
    }

    /// Reads and checks a planet file anywhere on disk.
    public func decode(path: String) throws(NetconError) -> World {
        guard let bytes = try HomeFile.read(path, limit: World.maxSerializedLength + 1) else {
            throw .planetInvalid(path: path, reason: "no such file")
        }
        return try Self.decode(bytes, path: path)
    }

    static func decode(_ bytes: [UInt8], path: String) throws(NetconError) -> World {
        let world: World
        do {
            world = try World(bytes: bytes)
        } catch {
            throw .planetInvalid(path: path, reason: "\(error)")
        }
        guard world.kind == .planet else { throw .planetInvalid(path: path, reason: "it is a moon, not a planet") }
        // No signature check here: an updated planet is signed by its predecessor's key, which a node
        // that starts from the file does not have. The file in the home is trusted as ZeroTier One trusts it.
        return world
    }
}
