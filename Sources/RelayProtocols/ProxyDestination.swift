import NetconRPC

/// Where a proxy client wants to go: an address, or a name the proxy resolves (SOCKS5's remote resolution,
/// an HTTP request's host).
public struct ProxyDestination: Hashable, Sendable, CustomStringConvertible {
    public enum Host: Hashable, Sendable {
        case address(RPCAddress)
        case name(String)
    }

    public var host: Host
    public var port: UInt16

    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// A name that is an IP literal becomes its address (`http://10.0.0.1/`, a SOCKS client sending one as a name).
    public init(hostText: String, port: UInt16) {
        let literal = hostText.hasPrefix("[") && hostText.hasSuffix("]") ? String(hostText.dropFirst().dropLast()) : hostText
        if let address = RPCAddress(text: literal) {
            self.init(host: .address(address), port: port)
        } else {
            self.init(host: .name(hostText.lowercased()), port: port)
        }
    }

    public var description: String {
        switch host {
        case .address(let address): RPCEndpoint(address: address, port: port).description
        case .name(let name): "\(name):\(port)"
        }
    }
}
