/// Signing, verifying and replacing worlds (C25519 over `signedBytes`).
extension World {
    /// A new world signed with `keyPair`: how a private planet or a moon is created from its roots. For a first
    /// version `keyPair` is usually also the `updatesMustBeSignedBy` key; for an update it must be the key the
    /// previous version named, while `updatesMustBeSignedBy` may name a new one.
    public init(kind: Kind, id: UInt64, timestamp: UInt64, updatesMustBeSignedBy: [UInt8], roots: [Root],
                signedWith keyPair: C25519.KeyPair) {
        self.init(kind: kind, id: id, timestamp: timestamp, updatesMustBeSignedBy: updatesMustBeSignedBy, roots: roots)
        sign(with: keyPair)
    }

    /// Replaces the signature with one by `keyPair` over the current contents.
    public mutating func sign(with keyPair: C25519.KeyPair) {
        signature = C25519.sign(signedBytes, privateKey: keyPair.privateKey, publicKey: keyPair.publicKey)
    }

    /// Whether the signature is valid for `publicKey`; by default this world's own `updatesMustBeSignedBy`,
    /// which holds for a world that was signed by the key it names (a first version, or an update that
    /// didn't rotate the key). An update is judged by the *previous* world's key: see `shouldReplace(with:)`.
    public func verifySignature(publicKey: [UInt8]? = nil) -> Bool {
        C25519.verify(signature, of: signedBytes, publicKey: publicKey ?? updatesMustBeSignedBy)
    }

    /// ZeroTier's rule for world updates: `update` replaces this world only if it has the same ID and type,
    /// a strictly newer timestamp, and a valid signature by the key this world says must sign its next update.
    public func shouldReplace(with update: World) -> Bool {
        update.id == id && update.kind == kind && update.timestamp > timestamp
            && update.verifySignature(publicKey: updatesMustBeSignedBy)
    }
}

extension World.Root {
    public init(identity: Identity, stableEndpoints: [InetEndpoint]) {
        self.init(address: identity.address, publicKey: identity.publicKey, stableEndpoints: stableEndpoints)
    }

    /// The root's public identity. Not validated: call `validate()` on it before trusting the address.
    public var identity: Identity {
        // The public key is 64 bytes by construction, the only thing this initializer checks.
        try! Identity(address: address, publicKey: publicKey)
    }
}

extension C25519.KeyPair {
    /// Reads a world signing key file as ZeroTier's `mkworld` writes it (`current.c25519`, `previous.c25519`):
    /// the 64-byte public key followed by the 64-byte private key. Throws unless the private key derives
    /// the public key.
    public init(keyPairFile bytes: [UInt8]) throws(DecodingError) {
        let half = C25519.publicKeyByteCount
        guard bytes.count == half + C25519.privateKeyByteCount else {
            throw .invalid("C25519 key pair file of \(bytes.count) bytes (expected \(half + C25519.privateKeyByteCount))")
        }
        let publicKey = Array(bytes[0..<half])
        let privateKey = SecretBytes(bytes[half...])
        guard C25519.publicKey(for: privateKey) == publicKey else { throw .invalid("C25519 key pair: keys don't match") }
        self.init(publicKey: publicKey, privateKey: privateKey)
    }
}
