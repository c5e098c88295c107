import CLwIP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything NetStack can fail with. lwIP's `err_t` is turned into this in exactly one place
/// (`init(lwip:)`); `errno` gives the value a socket call would have failed with.
public enum NetStackError: Error, Equatable, Sendable {
    /// The peer answered the SYN with a reset: nothing listens on that port.
    case connectionRefused
    /// A connect got no answer in time (our timeout, or lwIP's SYN retransmissions ran out).
    case timedOut
    /// No usable route: the interface is closed, down, its link is down, or it has no address of that family.
    case networkUnreachable
    /// The peer reset an established connection.
    case connectionReset
    /// lwIP dropped the connection: retransmissions exhausted, its local address removed, or out of memory.
    case connectionAborted
    /// The local address and port are taken.
    case addressInUse
    /// The connection is not established (yet, or any more).
    case notConnected
    /// The connection is already established or connecting.
    case alreadyConnected
    /// The object was closed, or this direction was shut down.
    case closed
    /// lwIP could not allocate memory (a pbuf, a pcb, a mailbox slot).
    case outOfMemory
    /// An argument lwIP or NetStack rejected (address family mismatch, size out of range…).
    case invalidArgument
    /// All of the interface's IPv6 address slots are taken (`Stack.limits.ipv6AddressesPerInterface`).
    case addressTableFull
    /// An lwIP error code without a better mapping.
    case lwip(Int32)

    /// Maps an lwIP error code; `ERR_OK` must not be passed.
    init(lwip err: err_t) {
        switch Int32(err) {
        case ERR_MEM.rawValue, ERR_BUF.rawValue: self = .outOfMemory
        case ERR_TIMEOUT.rawValue: self = .timedOut
        case ERR_RTE.rawValue, ERR_IF.rawValue: self = .networkUnreachable
        case ERR_VAL.rawValue, ERR_ARG.rawValue: self = .invalidArgument
        case ERR_USE.rawValue: self = .addressInUse
        case ERR_ALREADY.rawValue, ERR_ISCONN.rawValue: self = .alreadyConnected
        case ERR_CONN.rawValue: self = .notConnected
        case ERR_ABRT.rawValue: self = .connectionAborted
        case ERR_RST.rawValue: self = .connectionReset
        case ERR_CLSD.rawValue: self = .closed
        default: self = .lwip(Int32(err))
        }
    }

    /// The errno a BSD socket call would report.
    public var errno: Int32 {
        switch self {
        case .connectionRefused: ECONNREFUSED
        case .timedOut: ETIMEDOUT
        case .networkUnreachable: ENETUNREACH
        case .connectionReset: ECONNRESET
        case .connectionAborted: ECONNABORTED
        case .addressInUse: EADDRINUSE
        case .notConnected: ENOTCONN
        case .alreadyConnected: EISCONN
        case .closed: EPIPE
        case .outOfMemory: ENOBUFS
        case .invalidArgument: EINVAL
        case .addressTableFull: ENOSPC
        case .lwip: EIO
        }
    }
}

/// lwIP's `err_t` constants as `err_t` (they are imported as an enum type).
enum LwIPError {
    static let ok = err_t(ERR_OK.rawValue)
    static let memory = err_t(ERR_MEM.rawValue)
    static let aborted = err_t(ERR_ABRT.rawValue)
    static let reset = err_t(ERR_RST.rawValue)
    static let closed = err_t(ERR_CLSD.rawValue)
    static let value = err_t(ERR_VAL.rawValue)

    /// Throws the mapped error unless `err` is `ERR_OK`.
    static func check(_ err: err_t) throws(NetStackError) {
        if err != ok { throw NetStackError(lwip: err) }
    }
}
