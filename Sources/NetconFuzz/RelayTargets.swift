import NetconRPC
import RelayProtocols

/// What port forwards and proxies read from outside: a proxy client's SOCKS5 and HTTP bytes, the home's
/// forwards.conf, a credentials file, a PROXY protocol header. Each decoder must refuse, ask for more, or give
/// back a value whose encoding decodes to the same value, whole.
enum RelayTargets {
    static func socks(_ bytes: [UInt8]) {
        roundTrip(bytes, SOCKSGreeting.decode, \.bytes, "SOCKS greeting")
        roundTrip(bytes, SOCKSPasswordRequest.decode, \.bytes, "SOCKS username/password request")
        roundTrip(bytes, SOCKSRequest.decode, \.bytes, "SOCKS request")
        roundTrip(bytes, SOCKSReply.decode, \.bytes, "SOCKS reply")
        if let datagram = try? SOCKSDatagram.decode(bytes) {
            FuzzCheck.require(datagram.payloadOffset <= bytes.count, "SOCKS datagram payload past its end")
            let again = try? SOCKSDatagram.decode(SOCKSDatagram.header(for: datagram.destination) + bytes[datagram.payloadOffset...])
            FuzzCheck.require(again?.destination == datagram.destination && again?.payloadOffset == datagram.payloadOffset,
                              "SOCKS datagram header does not survive re-encoding")
        }
    }

    static func httpProxy(_ bytes: [UInt8]) {
        guard case .complete(let head, let consumed)? = try? HTTPRequestHead.decode(bytes) else { return }
        FuzzCheck.require(consumed <= bytes.count && consumed <= HTTPRequestHead.maximumBytes, "HTTP head consumed \(consumed) bytes")
        // A whole head cut anywhere is incomplete, never another head.
        for cut in [consumed - 1, consumed / 2] where cut >= 0 {
            let prefix = (try? HTTPRequestHead.decode(bytes[..<cut])) ?? .incomplete
            FuzzCheck.require(prefix == .incomplete, "a cut HTTP head decodes")
        }
        let encoded = head.bytes
        FuzzCheck.require((try? HTTPRequestHead.decode(encoded)) == .complete(head, consumed: encoded.count),
                          "HTTP head does not survive re-encoding")
        _ = HTTPProxyRequest.basicCredentials(head)
        guard case .forward(_, let forwarded)? = try? HTTPProxyRequest(head) else { return }
        let names = forwarded.fields.map { $0.name.lowercased() }
        FuzzCheck.require(names.filter { $0 == "connection" }.count == 1 && forwarded.value(of: "connection") == "close",
                          "a forwarded request without exactly one Connection: close")
        FuzzCheck.require(!names.contains("proxy-authorization") && !names.contains("proxy-connection"), "hop-by-hop field forwarded")
        FuzzCheck.require(forwarded.target.hasPrefix("/"), "forwarded target '\(forwarded.target)' is not in origin form")
        let again = forwarded.bytes
        FuzzCheck.require((try? HTTPRequestHead.decode(again)) == .complete(forwarded, consumed: again.count),
                          "the forwarded head does not decode as itself")
    }

    static func relayFiles(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let rules = try? ForwardRuleFile.parse(text) {
            let again = try? ForwardRuleFile.parse(rules.map(\.description).joined(separator: "\n"))
            FuzzCheck.require(again == rules, "forward rules do not survive being written again")
        }
        var credentials = ProxyCredentials()
        if (try? credentials.add(file: text)) != nil, let first = credentials.pairs.first {
            FuzzCheck.require(credentials.accepts(username: first.username, password: first.password), "a listed pair is refused")
        }
        if case .complete(let header, let consumed)? = ProxyProtocolHeader.decode(bytes) {
            FuzzCheck.require(consumed <= bytes.count, "PROXY header consumed \(consumed) of \(bytes.count) bytes")
            FuzzCheck.require(ProxyProtocolHeader.decode(header.bytes) == .complete(header, consumed: header.bytes.count),
                              "PROXY header does not survive re-encoding")
        }
    }

    private static func roundTrip<Value: Equatable>(_ bytes: [UInt8], _ decode: ([UInt8]) throws(SOCKSError) -> Decoded<Value>,
                                                    _ encode: (Value) -> [UInt8], _ name: String) {
        guard case .complete(let value, let consumed)? = try? decode(bytes) else { return }
        FuzzCheck.require(consumed > 0 && consumed <= bytes.count, "\(name) consumed \(consumed) of \(bytes.count) bytes")
        let encoded = encode(value)
        FuzzCheck.require((try? decode(encoded)) == .complete(value, consumed: encoded.count), "\(name) does not survive re-encoding")
    }
}
