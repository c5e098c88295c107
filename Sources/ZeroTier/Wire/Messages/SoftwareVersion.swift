/// A ZeroTier software version as HELLO and OK(HELLO) carry it: major (u8), minor (u8), revision (BE u16).
public struct SoftwareVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var major: UInt8
    public var minor: UInt8
    public var revision: UInt16

    public init(major: UInt8, minor: UInt8, revision: UInt16) {
        self.major = major
        self.minor = minor
        self.revision = revision
    }

    public var description: String { "\(major).\(minor).\(revision)" }

    public static func < (lhs: SoftwareVersion, rhs: SoftwareVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.revision) < (rhs.major, rhs.minor, rhs.revision)
    }
}

extension ByteReader {
    public mutating func readSoftwareVersion() throws(DecodingError) -> SoftwareVersion {
        let major = try readUInt8()
        let minor = try readUInt8()
        return SoftwareVersion(major: major, minor: minor, revision: try readUInt16())
    }
}

extension ByteWriter {
    public mutating func write(_ version: SoftwareVersion) {
        write(version.major)
        write(version.minor)
        write(version.revision)
    }
}
