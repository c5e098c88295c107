import ZeroTier

/// The networks a node has joined, kept as ZeroTier One keeps them: one `networks.d/<nwid>.conf` per network,
/// holding the last network config received (a lone newline until the controller has answered).
public struct JoinedNetworks: Sendable {
    public let home: NodeHome

    public init(home: NodeHome) { self.home = home }

    private static let placeholder: [UInt8] = [0x0a]

    public func list() throws(NetconError) -> [NetworkID] {
        try HomeFile.list(home.networksDirectory).compactMap { name in
            guard name.hasSuffix(".conf"), !name.hasSuffix(".local.conf") else { return nil }
            return NetworkID(name.dropLast(5))
        }
    }

    public func contains(_ network: NetworkID) throws(NetconError) -> Bool {
        try HomeFile.read(configPath(network), limit: 1 << 20) != nil
    }

    /// Records the network as joined; keeps an existing cached config. Returns false if it was already joined.
    @discardableResult
    public func join(_ network: NetworkID) throws(NetconError) -> Bool {
        try home.prepare()
        if try contains(network) { return false }
        try HomeFile.writeAtomically(configPath(network), Self.placeholder, mode: 0o600)
        return true
    }

    /// Forgets the network and its cached config. Returns false if it was not joined.
    @discardableResult
    public func leave(_ network: NetworkID) throws(NetconError) -> Bool {
        try HomeFile.remove(localConfigPath(network))
        return try HomeFile.remove(configPath(network))
    }

    /// The cached network config dictionary bytes, nil if none has been received yet.
    public func cachedConfig(_ network: NetworkID) throws(NetconError) -> [UInt8]? {
        guard let bytes = try HomeFile.read(configPath(network), limit: 1 << 20), bytes != Self.placeholder, !bytes.isEmpty else {
            return nil
        }
        return bytes
    }

    public func storeConfig(_ network: NetworkID, _ dictionary: [UInt8]) throws(NetconError) {
        try HomeFile.writeAtomically(configPath(network), dictionary, mode: 0o600)
    }

    /// Drops the cached config (the controller refused us), keeping the network joined.
    public func forgetConfig(_ network: NetworkID) throws(NetconError) {
        guard try contains(network) else { return }
        try HomeFile.writeAtomically(configPath(network), Self.placeholder, mode: 0o600)
    }

    func configPath(_ network: NetworkID) -> String { "\(home.networksDirectory)/\(network).conf" }
    func localConfigPath(_ network: NetworkID) -> String { "\(home.networksDirectory)/\(network).local.conf" }
}
