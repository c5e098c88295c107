import ZeroTier

/// Creates and signs a private planet: what ZeroTier users otherwise do by compiling `mkworld`.
public struct PlanetBuilder {
    public var roots: [RootSpecification]
    public var id: UInt64
    public var timestamp: UInt64
    /// The 128-byte C25519 key pair (public ‖ private) that signs this planet and must sign its updates.
    public var signingKeyPath: String

    public init(roots: [RootSpecification], id: UInt64, timestamp: UInt64, signingKeyPath: String) {
        self.roots = roots
        self.id = id
        self.timestamp = timestamp
        self.signingKeyPath = signingKeyPath
    }

    public struct Result {
        public var world: World
        public var createdSigningKey: Bool
    }

    /// Builds the signed planet, creating the signing key (0600) if the file does not exist yet.
    public func build() throws(NetconError) -> Result {
        guard !roots.isEmpty, roots.count <= World.maxRoots else {
            throw .invalidArgument("a planet needs 1 to \(World.maxRoots) roots")
        }
        guard id != World.earthID, id != 0 else { throw .invalidArgument("planet ID \(id) is reserved") }
        guard Set(roots.map(\.identity.address)).count == roots.count else {
            throw .invalidArgument("the same root identity is listed twice")
        }
        let (keyPair, created) = try loadOrCreateSigningKey()
        let world = World(
            kind: .planet, id: id, timestamp: timestamp, updatesMustBeSignedBy: keyPair.publicKey,
            roots: roots.map { World.Root(identity: $0.identity, stableEndpoints: $0.endpoints) }, signedWith: keyPair
        )
        return Result(world: world, createdSigningKey: created)
    }

    private func loadOrCreateSigningKey() throws(NetconError) -> (C25519.KeyPair, Bool) {
        if let bytes = try HomeFile.read(signingKeyPath, limit: 4096) {
            do {
                return (try C25519.KeyPair(keyPairFile: bytes), false)
            } catch {
                throw .planetInvalid(path: signingKeyPath, reason: "not a 128-byte C25519 key pair: \(error)")
            }
        }
        let keyPair = C25519.generate()
        let bytes = keyPair.publicKey + keyPair.privateKey.withUnsafeBytes { Array($0) }
        try HomeFile.writeAtomically(signingKeyPath, bytes, mode: 0o600)
        return (keyPair, true)
    }
}
