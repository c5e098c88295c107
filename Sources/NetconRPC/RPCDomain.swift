import Glibc

/// The address family the program created its socket with: it decides how addresses are reported back
/// (an IPv6 socket sees IPv4 peers as v4-mapped) and whether a wildcard listener takes both families.
public enum RPCDomain: UInt16, Sendable {
    case inet = 2  // AF_INET
    case inet6 = 10  // AF_INET6

    init(raw: UInt16) throws(RPCDecodeError) {
        guard let domain = RPCDomain(rawValue: raw) else { throw .badDomain(raw) }
        self = domain
    }
}

