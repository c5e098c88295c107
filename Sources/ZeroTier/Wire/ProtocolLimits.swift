/// Sizes and limits of ZeroTier V1 framing (ZeroTier One 1.14).
public enum ProtocolLimits {
    /// UDP payload size ZeroTier assumes for a path unless told otherwise; larger packets are fragmented.
    public static let defaultPhysicalMTU = 1432
    /// The smallest per-path MTU ZeroTier lets a user configure.
    public static let minimumPhysicalMTU = 1400
    /// Fragments per packet (head included) ZeroTier 1.x sends and accepts. The 4-bit fields of a fragment
    /// could count to 15, but receivers drop anything above this.
    public static let maxFragments = 7
    /// The largest packet (header + payload) ZeroTier can hold: `maxFragments * defaultPhysicalMTU`.
    public static let maxPacketLength = maxFragments * defaultPhysicalMTU
    /// The largest payload after the verb byte, also the bound for LZ4 decompression.
    public static let maxPayloadLength = maxPacketLength - PacketHeader.size
    /// Hop counts are three bits.
    public static let maxHops: UInt8 = 7
    /// Current protocol version (1.14 speaks 12) and the oldest one ZeroTier still talks to.
    public static let protocolVersion: UInt8 = 12
    public static let minimumProtocolVersion: UInt8 = 4
    /// The first protocol version with AES-GMAC-SIV (cipher suite 3); nothing else is new in 12.
    public static let aesGmacSivProtocolVersion: UInt8 = 12
}
