/// What a node announces about itself and how it treats others.
public struct NodeConfiguration: Sendable {
    /// Announced in HELLO, OK(HELLO) and network config requests. 12, as ZeroTier One 1.14: protocol 12 adds
    /// AES-GMAC-SIV (cipher suite 3) and nothing else, and peers announcing 12 to each other encrypt with it.
    /// Below 12, ZeroTier One peers (and netcon) send this node Salsa20/12-Poly1305 only.
    public var protocolVersion: UInt8 = ProtocolLimits.protocolVersion
    /// ZeroTier One gates some behaviour on the announced software version, so netcon announces the
    /// ZeroTier release whose protocol behaviour it implements (netcon's own version is in `status`).
    public var softwareVersion = SoftwareVersion(major: 1, minor: 14, revision: 1)
    /// The physical MTU datagrams are cut to.
    public var physicalMTU = ProtocolLimits.defaultPhysicalMTU

    public init() {}
}
