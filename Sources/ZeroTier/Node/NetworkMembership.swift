/// This node's membership in one joined network: its config (once a controller has sent one), where the
/// exchange with the controller stands, and the membership certificates other members showed us.
final class NetworkMembership {
    let id: NetworkID
    var config: NetworkConfig?
    /// The config dictionary exactly as received (what `networks.d/<nwid>.conf` keeps).
    var configBytes: [UInt8]?
    var state: NetworkState = .requestingConfiguration
    var lastRequest: Int64 = 0
    var assembler: NetworkConfigAssembler?
    /// Certificates of membership other members presented (private networks only accept their frames).
    var certificates: [Address: CertificateOfMembership] = [:]
    /// Revocation thresholds from the controller: a member's certificates up to this timestamp are void.
    var revocations: [Address: Int64] = [:]
    /// When we last asked each peer for its certificate (ERROR NEED_MEMBERSHIP_CERTIFICATE).
    var certificateRequests: [Address: Int64] = [:]
    /// The certificate pair each peer was last admitted with: agreement depends only on the two certificates
    /// (and the peer's fixed identity), so the same pair need not be checked again for every frame.
    var agreements: [Address: (ours: CertificateOfMembership, theirs: CertificateOfMembership)] = [:]
    /// When we last pushed our own certificate to each peer.
    var certificatePushes: [Address: Int64] = [:]

    init(id: NetworkID) { self.id = id }
}

/// Where a joined network stands, as ZeroTier reports it.
public enum NetworkState: String, Hashable, Sendable {
    case requestingConfiguration = "REQUESTING_CONFIGURATION"
    case ok = "OK"
    case accessDenied = "ACCESS_DENIED"
    case notFound = "NOT_FOUND"
}

/// A read-only view of a joined network for status output.
public struct NetworkSnapshot: Hashable, Sendable {
    public var id: NetworkID
    public var state: NetworkState
    public var config: NetworkConfig?
    public var mac: MAC
}
