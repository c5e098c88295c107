import CNetconSys
import Glibc
import NetconRPC

/// Turns the name in a proxy request (a SOCKS5 domain name, an HTTP request's host) into addresses. The proxies
/// take one as a seam: the node's own resolver (names of a joined network's DNS domain) plugs in here, before the
/// host's.
public protocol NameResolving: Sendable {
    /// The addresses `name` stands for, in the order to try them; empty when it stands for none. May block (it is
    /// called off the relay loop, on the connection's own thread).
    func addresses(of name: String) -> [RPCAddress]
}

/// The first resolver that knows the name answers.
struct NameResolvers: NameResolving {
    let resolvers: [any NameResolving]

    func addresses(of name: String) -> [RPCAddress] {
        for resolver in resolvers {
            let found = resolver.addresses(of: name)
            if !found.isEmpty { return found }
        }
        return []
    }
}

/// The node's resolver, for the virtual networks' names only (a joined network's DNS domain).
struct NodeNameResolver: NameResolving {
    let lookup: VirtualNameLookup

    func addresses(of name: String) -> [RPCAddress] {
        guard case .addresses(let found)? = try? lookup.lookUp(name, hostNames: false) else { return [] }
        return found.compactMap { $0.isIPv4 ? RPCAddress(v4: $0.bytes) : RPCAddress(v6: $0.bytes) }
    }
}

/// The host's resolver (getaddrinfo: /etc/hosts, then the host's DNS), for `--allow-host` only: without it a
/// proxy never asks the host's network anything.
struct HostNameResolver: NameResolving {
    func addresses(of name: String) -> [RPCAddress] {
        var hints = addrinfo()
        hints.ai_socktype = CInt(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var found: [RPCAddress] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ai_addr {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(current.pointee.ai_addrlen))) }
                if let endpoint = RPCEndpoint(socketAddress: storage), let ip = endpoint.address, !found.contains(ip) { found.append(ip) }
            }
            entry = current.pointee.ai_next
        }
        return found
    }
}
