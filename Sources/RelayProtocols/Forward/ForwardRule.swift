import NetconRPC

/// One port forward: `PROTO:[ADDRESS:]PORT=ADDRESS:PORT`, the listening side before `=`, the target after it.
///
/// - expose: listens on the node's virtual addresses (all of them unless one is given) and connects to a host
///   address: members reach a host service.
/// - publish: listens on a host address (127.0.0.1 unless one is given) and connects to a virtual address: host
///   programs reach a service on the virtual network.
public struct ForwardRule: Equatable, Hashable, Sendable, CustomStringConvertible {
    public enum Direction: String, Sendable, CaseIterable {
        case expose, publish
    }

    public enum Transport: String, Sendable, CaseIterable {
        case tcp, udp
    }

    public var direction: Direction
    public var transport: Transport
    /// nil address: every virtual address of the node (expose only; publish always has one).
    public var listen: RPCEndpoint
    public var target: RPCEndpoint
    /// Each relayed connection starts with a PROXY protocol v2 header naming the member (expose tcp only).
    public var proxyProtocol: Bool

    public static let defaultPublishAddress = RPCAddress(v4: [127, 0, 0, 1])!

    public init(direction: Direction, transport: Transport, listen: RPCEndpoint, target: RPCEndpoint, proxyProtocol: Bool = false) {
        self.direction = direction
        self.transport = transport
        self.listen = listen
        self.target = target
        self.proxyProtocol = proxyProtocol
    }

    public init(_ direction: Direction, _ text: some StringProtocol, proxyProtocol: Bool = false) throws(ForwardRuleError) {
        let text = String(text)
        guard let colon = text.firstIndex(of: ":"), let transport = Transport(rawValue: String(text[..<colon]).lowercased()) else {
            throw ForwardRuleError("'\(text)' does not start with tcp: or udp:")
        }
        let sides = text[text.index(after: colon)...].split(separator: "=", omittingEmptySubsequences: false)
        guard sides.count == 2 else { throw ForwardRuleError("'\(text)' is not \(transport):[ADDRESS:]PORT=ADDRESS:PORT") }
        var listen: RPCEndpoint
        let target: RPCEndpoint
        do {
            listen = try EndpointText.parse(sides[0], optionalAddress: true)
            target = try EndpointText.parse(sides[1], optionalAddress: false)
        } catch {
            throw ForwardRuleError("'\(text)': \(error)")
        }
        if direction == .publish && listen.address == nil { listen.address = Self.defaultPublishAddress }
        if proxyProtocol && (direction != .expose || transport != .tcp) {
            throw ForwardRuleError("'\(text)': the PROXY protocol header is for expose tcp rules only")
        }
        self.init(direction: direction, transport: transport, listen: listen, target: target, proxyProtocol: proxyProtocol)
    }

    /// The rule as `--expose`/`--publish` takes it back.
    public var text: String {
        "\(transport):\(EndpointText.format(listen))=\(EndpointText.format(target))"
    }

    public var description: String { "\(direction) \(text)\(proxyProtocol ? " proxy-protocol" : "")" }
}

public struct ForwardRuleError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
