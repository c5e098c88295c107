import Glibc
import NetconRPC
import RelayProtocols
import SystemPackage

/// Where the proxies connect for a client: a destination on the virtual networks through the node, one elsewhere
/// through the host only with `--allow-host`, a name through the resolver. Blocking; used on a connection's thread.
struct ProxyDialer: Sendable {
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// Outside the virtual networks without --allow-host.
        case notAllowed
        case unresolved(String)
        case refused
        case unreachable
        case timedOut
        case failed(Errno)

        init(_ error: Errno) {
            switch error {
            case .connectionRefused: self = .refused
            case .timedOut: self = .timedOut
            case .networkUnreachable, .noRouteToHost, .networkDown: self = .unreachable
            default: self = .failed(error)
            }
        }

        var description: String {
            switch self {
            case .notAllowed: "outside the virtual networks (the proxy runs without --allow-host)"
            case .unresolved(let name): "cannot resolve \(name)"
            case .refused: "connection refused"
            case .unreachable: "unreachable"
            case .timedOut: "timed out"
            case .failed(let error): "\(error)"
            }
        }
    }

    /// Where a destination is, once resolved.
    struct Route: Equatable {
        var endpoint: RPCEndpoint
        var isVirtual: Bool
    }

    let virtual: VirtualSockets
    let resolver: any NameResolving
    let allowHost: Bool

    static let connectTimeoutMilliseconds: Int32 = 10_000

    /// The routes to try for `destination`, best first: every address of a name, each on the virtual networks or
    /// (allowed) the host's.
    func routes(_ destination: ProxyDestination) -> Result<[Route], Failure> {
        let addresses: [RPCAddress]
        switch destination.host {
        case .address(let address): addresses = [address]
        case .name(let name):
            addresses = resolver.addresses(of: name)
            guard !addresses.isEmpty else { return .failure(.unresolved(name)) }
        }
        guard let served = try? virtual.routes() else { return .failure(.unreachable) }
        var routes: [Route] = []
        for address in addresses {
            let isVirtual = served.contains { address.isWithin($0.network, prefixLength: $0.prefixLength) }
            if isVirtual || allowHost { routes.append(Route(endpoint: RPCEndpoint(address: address, port: destination.port), isVirtual: isVirtual)) }
        }
        return routes.isEmpty ? .failure(.notAllowed) : .success(routes)
    }

    /// A connected stream (non-blocking) and the address it was made from.
    func connect(_ destination: ProxyDestination) -> Result<(OwnedDescriptor, local: RPCEndpoint?), Failure> {
        let routes: [Route]
        switch self.routes(destination) {
        case .success(let found): routes = found
        case .failure(let failure): return .failure(failure)
        }
        var last = Failure.unreachable
        for route in routes {
            do throws(Errno) {
                if route.isVirtual {
                    return .success(try virtual.connect(to: route.endpoint, timeoutSeconds: Int(Self.connectTimeoutMilliseconds / 1000)))
                }
                let stream = try HostSockets.connect(to: route.endpoint, timeoutMilliseconds: Self.connectTimeoutMilliseconds)
                return .success((stream, HostSockets.localEndpoint(of: stream.rawValue)))
            } catch {
                last = Failure(error)
            }
        }
        return .failure(last)
    }
}
