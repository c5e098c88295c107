/// What the client asks for once authenticated: VER CMD RSV ATYP DST.ADDR DST.PORT (RFC 1928 §4).
public struct SOCKSRequest: Equatable, Sendable {
    public enum Command: UInt8, Sendable {
        case connect = 1
        case bind = 2
        case udpAssociate = 3
    }

    public var command: Command
    public var destination: ProxyDestination

    public init(command: Command, destination: ProxyDestination) {
        self.command = command
        self.destination = destination
    }

    public static func decode(_ bytes: some RandomAccessCollection<UInt8>) throws(SOCKSError) -> Decoded<SOCKSRequest> {
        let head = Array(bytes.prefix(3))
        guard let version = head.first else { return .incomplete }
        guard version == 5 else { throw .badVersion(version) }
        guard head.count == 3 else { return .incomplete }
        guard let command = Command(rawValue: head[1]) else { throw .commandNotSupported(head[1]) }
        guard head[2] == 0 else { throw .malformed("reserved byte \(head[2])") }
        switch try SOCKSAddress.decode(bytes, at: 3) {
        case .incomplete: return .incomplete
        case let .complete(destination, consumed):
            return .complete(SOCKSRequest(command: command, destination: destination), consumed: 3 + consumed)
        }
    }

    public var bytes: [UInt8] { [5, command.rawValue, 0] + SOCKSAddress.encode(destination) }
}
