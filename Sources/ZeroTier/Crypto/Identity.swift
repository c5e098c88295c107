/// A ZeroTier node identity: a 40-bit address bound to a C25519 public key by the memory-hard hash, and
/// optionally the matching private key.
///
/// Text form: `AAAAAAAAAA:0:PUBLIC` (128 hex digits), with `:SECRET` (128 hex digits) appended for the
/// secret form. Two identities are equal when address and public key are, whether or not either holds
/// the secret.
public struct Identity: Sendable, Hashable, CustomStringConvertible {
    public let address: Address
    public let publicKey: [UInt8]
    let secretKey: SecretBytes?

    public var hasSecret: Bool { secretKey != nil }

    // MARK: - Building

    /// An identity as it arrives on the wire (public only). Call `validate()` before trusting the address.
    public init(address: Address, publicKey: [UInt8]) throws(IdentityError) {
        guard publicKey.count == C25519.publicKeyByteCount else { throw .badPublicKey(byteCount: publicKey.count) }
        guard !address.isReserved else { throw .reservedAddress(address) }
        self.address = address
        self.publicKey = publicKey
        self.secretKey = nil
    }

    /// An identity with its secret; throws unless the secret derives the public key.
    public init(address: Address, publicKey: [UInt8], secretKey: SecretBytes) throws(IdentityError) {
        try self.init(address: address, publicKey: publicKey)
        guard secretKey.count == C25519.privateKeyByteCount else { throw .badSecretKey }
        guard C25519.publicKey(for: secretKey) == publicKey else { throw .secretDoesNotMatchPublicKey }
        self = Identity(checkedAddress: address, publicKey: publicKey, secretKey: secretKey)
    }

    private init(checkedAddress: Address, publicKey: [UInt8], secretKey: SecretBytes?) {
        self.address = checkedAddress
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Parses the public or secret text form; surrounding whitespace and newlines are ignored.
    /// This checks shape and key consistency only; `validate()` checks the address derivation.
    public init(_ text: String) throws(IdentityError) {
        let fields = Identity.trimmed(text).split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3 || fields.count == 4 else { throw .malformed(fieldCount: fields.count) }
        guard let address = Address(fields[0]) else { throw .badAddress }
        guard fields[1] == "0" else { throw .unsupportedType(String(fields[1].prefix(16))) }
        guard let publicKey = Hex.decode(fields[2]) else { throw .badPublicKey(byteCount: nil) }
        if fields.count == 4 {
            guard let secretKey = Identity.decodeSecret(fields[3]) else { throw .badSecretKey }
            try self.init(address: address, publicKey: publicKey, secretKey: secretKey)
        } else {
            try self.init(address: address, publicKey: publicKey)
        }
    }

    /// The same identity without its secret, safe to hand to code that only verifies.
    public var publicOnly: Identity {
        Identity(checkedAddress: address, publicKey: publicKey, secretKey: nil)
    }

    // MARK: - Text

    public var publicString: String { "\(address):0:\(Hex.encode(publicKey))" }

    /// The secret form, or nil without a secret. (The result is an ordinary String: write it out and drop it.)
    public var secretString: String? {
        guard let secretKey else { return nil }
        return publicString + ":" + secretKey.withUnsafeBytes { Hex.encode($0) }
    }

    public var description: String { publicString }

    // MARK: - Proof of work

    /// ZeroTier's local validation: the address is not reserved and is the tail of the public key's
    /// memory-hard digest, whose first byte is below 17. Takes a 2 MiB table and tens of milliseconds;
    /// the secret (if any) plays no part.
    public func validate() -> Bool {
        guard !address.isReserved, publicKey.count == C25519.publicKeyByteCount else { return false }
        return Identity.address(proving: MemoryHardHash.digest(of: publicKey)) == address
    }

    /// The address a memory-hard digest proves, or nil when the digest misses the difficulty criterion.
    static func address(proving digest: [UInt8]) -> Address? {
        guard digest[0] < MemoryHardHash.criterion else { return nil }
        return Address(bytes: digest[59..<64])
    }

    /// A new identity: keeps drawing X25519 keys (the Ed25519 half is drawn once) until the public key's
    /// memory-hard digest meets the criterion and yields an unreserved address. Expect around 15
    /// attempts; `progress` gets the attempt number before each one.
    public static func generate(progress: (Int) -> Void = { _ in }) -> Identity {
        let scratch = MemoryHardHash.Scratch()
        let signingSeed = SecretBytes.random(count: 32)
        var attempt = 0
        while true {
            attempt += 1
            progress(attempt)
            let agreementScalar = SecretBytes.random(count: 32)
            let secretKey = SecretBytes(count: C25519.privateKeyByteCount) { out in
                agreementScalar.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[0..<32]).copyMemory(from: $0) }
                signingSeed.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[32..<64]).copyMemory(from: $0) }
            }
            let publicKey = C25519.publicKey(for: secretKey)
            if let address = Identity.address(proving: MemoryHardHash.digest(of: publicKey, scratch: scratch)),
               !address.isReserved {
                return Identity(checkedAddress: address, publicKey: publicKey, secretKey: secretKey)
            }
        }
    }

    // MARK: - Using the keys

    /// A 96-byte C25519 signature, or nil without a secret.
    public func sign(_ message: [UInt8]) -> [UInt8]? {
        guard let secretKey else { return nil }
        return C25519.sign(message, privateKey: secretKey, publicKey: publicKey)
    }

    public func verify(_ message: [UInt8], signature: [UInt8]) -> Bool {
        C25519.verify(signature, of: message, publicKey: publicKey)
    }

    /// The 48-byte key this node shares with `other` (the same from both ends), or nil without a secret
    /// or when `other`'s key is unusable.
    public func agree(with other: Identity) -> SecretBytes? {
        guard let secretKey else { return nil }
        return C25519.agree(privateKey: secretKey, publicKey: other.publicKey)?.prefix(Identity.peerKeyByteCount)
    }

    public static let peerKeyByteCount = 48

    // MARK: - Equality on the public part

    public static func == (lhs: Identity, rhs: Identity) -> Bool {
        lhs.address == rhs.address && lhs.publicKey == rhs.publicKey
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(address)
        hasher.combine(publicKey)
    }

    // MARK: - Parsing helpers

    private static func trimmed(_ text: String) -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = text.lastIndex(where: { !isSpace($0) })!
        return text[first...last]
    }

    /// Decodes the secret's hex straight into zeroing storage, so no plain array of it exists.
    private static func decodeSecret(_ hex: Substring) -> SecretBytes? {
        let digits = hex.utf8
        guard digits.count == C25519.privateKeyByteCount * 2 else { return nil }
        var valid = true
        let secret = SecretBytes(count: C25519.privateKeyByteCount) { out in
            var index = digits.startIndex
            for i in 0..<out.count {
                let high = Hex.nibble(digits[index])
                index = digits.index(after: index)
                let low = Hex.nibble(digits[index])
                index = digits.index(after: index)
                guard let high, let low else { valid = false; return }
                out[i] = high << 4 | low
            }
        }
        return valid ? secret : nil
    }
}
