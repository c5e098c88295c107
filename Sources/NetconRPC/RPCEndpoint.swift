import CNetconRPC
import Glibc

/// An IP address as the RPC carries it. The library unmaps v4-mapped IPv6 addresses, so a node never sees one.
public enum RPCAddress: Hashable, Sendable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8], scope: UInt32)

    public init?(v4 bytes: [UInt8]) {
        guard bytes.count == 4 else { return nil }
        self = .v4(bytes)
    }

    public init?(v6 bytes: [UInt8], scope: UInt32 = 0) {
        guard bytes.count == 16 else { return nil }
        self = .v6(bytes, scope: scope)
    }

    /// Either textual form, as inet_pton reads it.
    public init?(text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(withUnsafeBytes(of: v4) { Array($0) })
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            self = .v6(withUnsafeBytes(of: v6) { Array($0) }, scope: 0)
        } else {
            return nil
        }
    }

    public var family: CInt {
        switch self {
        case .v4: AF_INET
        case .v6: AF_INET6
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .v4(let bytes), .v6(let bytes, _): bytes
        }
    }

    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = self.family
        return bytes.withUnsafeBytes { raw in
            guard inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count)) != nil else { return "?" }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

/// An address (nil: any address) and a port in host byte order.
public struct RPCEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: RPCAddress?
    public var port: UInt16

    public init(address: RPCAddress?, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String {
        switch address {
        case .v6(let bytes, let scope)?: "[\(RPCAddress.v6(bytes, scope: scope))]:\(port)"
        case let address?: "\(address):\(port)"
        case nil: "*:\(port)"
        }
    }

    init(_ raw: netcon_rpc_address) throws(RPCDecodeError) {
        port = raw.port
        let bytes = withUnsafeBytes(of: raw.bytes) { Array($0) }
        switch CInt(raw.family) {
        case 0: address = nil
        case AF_INET: address = .v4(Array(bytes[0..<4]))
        case AF_INET6: address = .v6(bytes, scope: raw.scope_id)
        default: throw .badAddressFamily(raw.family)
        }
    }

    var raw: netcon_rpc_address {
        var raw = netcon_rpc_address()
        raw.port = port
        if let address {
            raw.family = UInt16(address.family)
            if case .v6(_, let scope) = address { raw.scope_id = scope }
            withUnsafeMutableBytes(of: &raw.bytes) { $0.copyBytes(from: address.bytes) }
        }
        return raw
    }
}

extension Optional where Wrapped == RPCEndpoint {
    var raw: netcon_rpc_address { self?.raw ?? netcon_rpc_address() }
}
