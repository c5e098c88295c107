/// A ZeroTier "world": the signed list of root servers a node trusts. The one planet (type 1) is the network's
/// root of trust; moons (type 127) are user-made additions. Binary layout (all integers big-endian):
///
/// | size | field |
/// |---|---|
/// | 1 | type: 1 planet, 127 moon |
/// | 8 | world ID |
/// | 8 | timestamp (ms); an update must carry a newer one |
/// | 64 | C25519 public key that must sign the next update |
/// | 96 | C25519 signature over `signedBytes` |
/// | 1 | number of roots (at most 4) |
/// | per root | identity: address (5), key type (1, = 0), public key (64), private key length (1, = 0) |
/// |          | number of stable endpoints (1, at most 32), then that many `InetEndpoint`s |
/// | 2 (moons only) | length of an extension dictionary, then the dictionary (none defined yet) |
public struct World: Hashable, Sendable {
    public enum Kind: UInt8, Sendable, CustomStringConvertible {
        case planet = 1
        case moon = 127

        public var description: String { self == .planet ? "planet" : "moon" }
    }

    /// A root server: its identity (address and C25519 public key) and the addresses it is reachable at.
    public struct Root: Hashable, Sendable {
        public var address: Address
        /// 64 bytes: X25519 public ‖ Ed25519 public.
        public var publicKey: [UInt8]
        public var stableEndpoints: [InetEndpoint]

        public init(address: Address, publicKey: [UInt8], stableEndpoints: [InetEndpoint]) {
            precondition(publicKey.count == World.publicKeyByteCount, "root public key must be 64 bytes")
            precondition(stableEndpoints.count <= World.maxStableEndpointsPerRoot, "too many stable endpoints")
            self.address = address
            self.publicKey = publicKey
            self.stableEndpoints = stableEndpoints
        }

        /// The root's public identity string, `address:0:publickey`, as identity files hold it.
        public var identityString: String { "\(address):0:\(Hex.encode(publicKey))" }
    }

    public static let maxRoots = 4
    public static let maxStableEndpointsPerRoot = 32
    /// ZeroTier reads planet files and world updates into buffers of this size.
    public static let maxSerializedLength = (1024 + 32 * maxStableEndpointsPerRoot) * maxRoots + publicKeyByteCount + signatureByteCount + 128
    /// The ID of ZeroTier's public planet, Earth.
    public static let earthID: UInt64 = 149_604_618

    static let publicKeyByteCount = 64
    static let signatureByteCount = 96
    static let privateKeyByteCount = 64

    public var kind: Kind
    public var id: UInt64
    public var timestamp: UInt64
    /// The C25519 public key (64 bytes) whose signature the next update of this world must carry.
    public var updatesMustBeSignedBy: [UInt8]
    /// 96 bytes; all zero on a world that is not signed yet.
    public var signature: [UInt8]
    public var roots: [Root]

    public init(kind: Kind, id: UInt64, timestamp: UInt64, updatesMustBeSignedBy: [UInt8],
                signature: [UInt8] = [UInt8](repeating: 0, count: 96), roots: [Root]) {
        precondition(updatesMustBeSignedBy.count == Self.publicKeyByteCount, "update key must be 64 bytes")
        precondition(signature.count == Self.signatureByteCount, "signature must be 96 bytes")
        precondition(roots.count <= Self.maxRoots, "a world has at most \(Self.maxRoots) roots")
        self.kind = kind
        self.id = id
        self.timestamp = timestamp
        self.updatesMustBeSignedBy = updatesMustBeSignedBy
        self.signature = signature
        self.roots = roots
    }

    /// Decodes exactly one world filling all of `bytes` (a planet or moon file, or a world update).
    public init(bytes: [UInt8]) throws(DecodingError) {
        guard bytes.count <= Self.maxSerializedLength else {
            throw .invalid("world of \(bytes.count) bytes (maximum \(Self.maxSerializedLength))")
        }
        var reader = ByteReader(bytes)
        try self.init(from: &reader)
        guard reader.isAtEnd else { throw .invalid("\(reader.remaining) bytes after the world") }
    }

    /// Decodes one world from `reader`, leaving whatever follows it.
    ///
    /// Accepts what ZeroTier accepts with two exceptions: a world of type 0 ("null") and stable endpoints that
    /// are not IPv4/IPv6 addresses are rejected. As in ZeroTier, a root identity that carries a private key has
    /// it skipped (the encoding never includes one), and a moon's extension dictionary is skipped (encoded as
    /// empty) — in both cases the signature covers the encoding without them.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        let type = try reader.readUInt8()
        guard let kind = Kind(rawValue: type) else { throw .invalid("world type \(type)") }
        self.kind = kind
        id = try reader.readUInt64()
        timestamp = try reader.readUInt64()
        updatesMustBeSignedBy = try reader.readBytes(Self.publicKeyByteCount)
        signature = try reader.readBytes(Self.signatureByteCount)

        let rootCount = Int(try reader.readUInt8())
        guard rootCount <= Self.maxRoots else { throw .invalid("world with \(rootCount) roots") }
        var roots = [Root]()
        for _ in 0..<rootCount {
            let address = try reader.readAddress()
            let keyType = try reader.readUInt8()
            guard keyType == 0 else { throw .invalid("root identity key type \(keyType)") }
            let publicKey = try reader.readBytes(Self.publicKeyByteCount)
            let privateKeyLength = Int(try reader.readUInt8())
            guard privateKeyLength == 0 || privateKeyLength == Self.privateKeyByteCount else {
                throw .invalid("root identity private key length \(privateKeyLength)")
            }
            try reader.skip(privateKeyLength)

            let endpointCount = Int(try reader.readUInt8())
            guard endpointCount <= Self.maxStableEndpointsPerRoot else {
                throw .invalid("root with \(endpointCount) stable endpoints")
            }
            var endpoints = [InetEndpoint]()
            for _ in 0..<endpointCount {
                guard let endpoint = try reader.readInetEndpoint() else { throw .invalid("root stable endpoint without an address") }
                endpoints.append(endpoint)
            }
            roots.append(Root(address: address, publicKey: publicKey, stableEndpoints: endpoints))
        }
        self.roots = roots

        if kind == .moon {
            try reader.skip(Int(try reader.readUInt16()))
        }
    }

    /// The world's binary form.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 512)
        write(to: &writer, forSigning: false)
        return writer.bytes
    }

    /// What the signature covers: `7f7f7f7f7f7f7f7f` ‖ the encoding without the signature field ‖ `f7f7f7f7f7f7f7f7`.
    public var signedBytes: [UInt8] {
        var writer = ByteWriter(capacity: 512)
        write(to: &writer, forSigning: true)
        return writer.bytes
    }

    static let signingPrefix: UInt64 = 0x7f7f_7f7f_7f7f_7f7f
    static let signingSuffix: UInt64 = 0xf7f7_f7f7_f7f7_f7f7

    func write(to writer: inout ByteWriter, forSigning: Bool) {
        if forSigning { writer.write(Self.signingPrefix) }
        writer.write(kind.rawValue)
        writer.write(id)
        writer.write(timestamp)
        writer.write(updatesMustBeSignedBy)
        if !forSigning { writer.write(signature) }
        writer.write(UInt8(roots.count))
        for root in roots {
            writer.write(root.address)
            writer.write(UInt8(0))  // key type: C25519
            writer.write(root.publicKey)
            writer.write(UInt8(0))  // no private key
            writer.write(UInt8(root.stableEndpoints.count))
            for endpoint in root.stableEndpoints { writer.write(endpoint) }
        }
        if kind == .moon { writer.write(UInt16(0)) }  // empty extension dictionary
        if forSigning { writer.write(Self.signingSuffix) }
    }
}
