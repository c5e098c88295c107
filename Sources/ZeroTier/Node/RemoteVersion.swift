/// The protocol and software version a peer announced in its HELLO or OK(HELLO).
public struct RemoteVersion: Hashable, Sendable, CustomStringConvertible {
    public var protocolVersion: UInt8
    public var software: SoftwareVersion

    public var description: String { software.description }
}
