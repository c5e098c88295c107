import Glibc
import ZeroTier

/// One root of a planet to create, written `IDENTITY@ENDPOINT[,ENDPOINT…]` on the command line, where
/// IDENTITY is a node home, an identity file, or an identity string, and each ENDPOINT is `IP/PORT`.
public struct RootSpecification: Sendable, Equatable {
    public var identity: Identity
    public var endpoints: [InetEndpoint]

    public init(identity: Identity, endpoints: [InetEndpoint]) {
        self.identity = identity
        self.endpoints = endpoints
    }

    public init(parsing text: String) throws(NetconError) {
        guard let at = text.lastIndex(of: "@") else {
            throw .invalidArgument("root \(text) needs @ENDPOINT (e.g. ./root-home@127.0.0.1/9993)")
        }
        let source = String(text[..<at])
        let endpointText = text[text.index(after: at)...]
        var endpoints = [InetEndpoint]()
        for part in endpointText.split(separator: ",") {
            guard let endpoint = InetEndpoint(String(part)), endpoint.port != 0 else {
                throw .invalidArgument("root endpoint \(part) is not IP/PORT (e.g. 127.0.0.1/9993 or ::1/9993)")
            }
            endpoints.append(endpoint)
        }
        guard !endpoints.isEmpty, endpoints.count <= World.maxStableEndpointsPerRoot else {
            throw .invalidArgument("a root needs 1 to \(World.maxStableEndpointsPerRoot) endpoints")
        }
        self.init(identity: try Self.loadIdentity(source), endpoints: endpoints)
    }

    private static func loadIdentity(_ source: String) throws(NetconError) -> Identity {
        let text: String
        var info = stat()
        if stat(source, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR {
                let home = NodeHome(path: source)
                guard let identity = try IdentityStore(home: home).loadPublic() else { throw .noIdentity(home: home.path) }
                return try validated(identity.publicOnly, source: source)
            }
            guard let bytes = try HomeFile.read(source, limit: 4096) else { throw .invalidArgument("cannot read \(source)") }
            text = String(decoding: bytes, as: UTF8.self)
        } else if source.contains(":") {
            text = source
        } else {
            throw .invalidArgument("root identity \(source) is neither a node home, an identity file nor an identity string")
        }
        do {
            return try validated(try Identity(text).publicOnly, source: source)
        } catch let error as NetconError {
            throw error
        } catch {
            throw .identityCorrupt(path: source, reason: "\(error)")
        }
    }

    private static func validated(_ identity: Identity, source: String) throws(NetconError) -> Identity {
        guard identity.validate() else {
            throw .identityCorrupt(path: source, reason: "its address does not derive from its public key")
        }
        return identity
    }
}
