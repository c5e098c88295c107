import CNetconRPC

/// The socket options the node honours on a virtual socket (everything else the library answers itself).
public enum RPCSocketOption: Int32, Sendable {
    case noDelay = 1
    case keepAlive = 2
    /// SO_LINGER {on, 0}: close with a reset instead of a FIN.
    case lingerAbort = 3
}
