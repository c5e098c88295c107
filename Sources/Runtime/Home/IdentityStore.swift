import ZeroTier

/// The node's identity in its home: `identity.secret` (0600) is the source of truth, `identity.public` is
/// derived from it. An identity from ZeroTier One works as is; a damaged one is never overwritten.
public struct IdentityStore: Sendable {
    public let home: NodeHome

    public init(home: NodeHome) { self.home = home }

    /// Loads and validates the secret identity, generating and saving one if the home has none.
    public func loadOrCreate(onGenerationStart: () -> Void = {}, progress: (Int) -> Void = { _ in }) throws(NetconError) -> Identity {
        if let existing = try loadSecret() {
            try writePublicIfNeeded(existing)
            return existing
        }
        onGenerationStart()
        let identity = Identity.generate(progress: progress)
        guard let secret = identity.secretString else {
            preconditionFailure("a freshly generated identity always has its secret")
        }
        try HomeFile.writeAtomically(home.identitySecret, Array(secret.utf8), mode: 0o600)
        try writePublicIfNeeded(identity)
        return identity
    }

    /// The secret identity if the home has one; throws if it is there but invalid.
    public func loadSecret() throws(NetconError) -> Identity? {
        guard let bytes = try HomeFile.read(home.identitySecret, limit: 4096) else { return nil }
        let identity = try parse(bytes, path: home.identitySecret)
        guard identity.hasSecret else {
            throw .identityCorrupt(path: home.identitySecret, reason: "it holds no private key")
        }
        return identity
    }

    /// The public identity for display when no daemon runs: from the secret if present, else the public file.
    public func loadPublic() throws(NetconError) -> Identity? {
        if let bytes = try HomeFile.read(home.identitySecret, limit: 4096) {
            return try parse(bytes, path: home.identitySecret, validate: false)
        }
        if let bytes = try HomeFile.read(home.identityPublic, limit: 4096) {
            return try parse(bytes, path: home.identityPublic, validate: false)
        }
        return nil
    }

    private func parse(_ bytes: [UInt8], path: String, validate: Bool = true) throws(NetconError) -> Identity {
        let identity: Identity
        do {
            identity = try Identity(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw .identityCorrupt(path: path, reason: "\(error)")
        }
        if validate && !identity.validate() {
            throw .identityCorrupt(path: path, reason: "its address does not derive from its public key")
        }
        return identity
    }

    private func writePublicIfNeeded(_ identity: Identity) throws(NetconError) {
        let wanted = Array(identity.publicString.utf8)
        if let current = try? HomeFile.read(home.identityPublic, limit: 4096), current == wanted { return }
        try HomeFile.writeAtomically(home.identityPublic, wanted, mode: 0o644)
    }
}
