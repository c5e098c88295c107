import CNetconRPC

public enum RPCSocketKind: UInt16, Sendable {
    case none = 0
    case tcpConnection = 1
    case tcpListener = 2
    case udp = 3
    case icmp = 4
}
