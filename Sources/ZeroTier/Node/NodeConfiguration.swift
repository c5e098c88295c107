/// What a node announces about itself and how it treats others.
public struct NodeConfiguration: Sendable {
    /// 11 keeps ZeroTier One 1.14 peers on Salsa20/12-Poly1305: they switch to AES-GMAC-SIV (suite 3) only
    /// with peers announcing 12, and netcon does not implement that suite.
    public var protocolVersion: UInt8 = 11
    /// ZeroTier One gates some behaviour on the announced software version, so netcon announces the
    /// ZeroTier release whose protocol behaviour it implements (netcon's own version is in `status`).
    public var softwareVersion = SoftwareVersion(major: 1, minor: 14, revision: 1)
    /// The physical MTU datagrams are cut to.
    public var physicalMTU = ProtocolLimits.defaultPhysicalMTU

    public init() {}
}
