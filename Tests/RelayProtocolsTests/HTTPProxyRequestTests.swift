import NetconRPC
import RelayProtocols
import Testing

@Suite struct HTTPProxyRequestTests {
    func head(_ text: String) throws -> HTTPRequestHead {
        let bytes = Array(text.utf8)
        guard case .complete(let head, let consumed) = try HTTPRequestHead.decode(bytes) else { throw HTTPHeadError.malformed("incomplete") }
        #expect(consumed == bytes.count)
        return head
    }

    @Test func headsDecodeIncrementallyAndBounded() throws {
        let text = "GET http://10.6.0.2:8000/a?b=1 HTTP/1.1\r\nHost: 10.6.0.2:8000\r\nUser-Agent: curl/8\r\n\r\n"
        let bytes = Array(text.utf8)
        for cut in 0..<bytes.count { #expect(try HTTPRequestHead.decode(Array(bytes[..<cut])) == .incomplete) }
        let parsed = try head(text)
        #expect(parsed.method == "GET" && parsed.target == "http://10.6.0.2:8000/a?b=1" && parsed.version == "HTTP/1.1")
        #expect(parsed.fields.map(\.name) == ["Host", "User-Agent"] && parsed.value(of: "user-agent") == "curl/8")
        #expect(parsed.bytes == bytes)
        // The body's first bytes are not the head's.
        #expect(try HTTPRequestHead.decode(bytes + Array("body".utf8)) == .complete(parsed, consumed: bytes.count))
        // Bare LF and leading empty lines.
        #expect(try head("\r\nGET http://a/ HTTP/1.0\nX:  y \n\n").fields.first?.value == "y")

        let tooLong = Array("GET http://a/ HTTP/1.1\r\nX: ".utf8) + [UInt8](repeating: 0x61, count: HTTPRequestHead.maximumBytes)
        #expect(throws: HTTPHeadError.tooLarge) { try HTTPRequestHead.decode(tooLong) }
        #expect(HTTPHeadError.tooLarge.status == .headersTooLarge)
        let manyFields = "GET http://a/ HTTP/1.1\r\n" + String(repeating: "X: y\r\n", count: 200)
        #expect(throws: HTTPHeadError.tooLarge) { try HTTPRequestHead.decode(Array(manyFields.utf8)) }

        for bad in ["GET http://a/\r\n\r\n", "GET  http://a/ HTTP/1.1\r\n\r\n", "G(T http://a/ HTTP/1.1\r\n\r\n",
                    "GET http://a/ HTTX/1.1\r\n\r\n", "GET http://a/ HTTP/1.1\r\nNo colon\r\n\r\n",
                    "GET http://a/ HTTP/1.1\r\nX: y\r\n folded\r\n\r\n", "GET http://a/ HTTP/1.1\r\n: empty\r\n\r\n",
                    "GET http://a/ HTTP/1.1\r\nX: a\u{1}b\r\n\r\n"] {
            #expect(throws: HTTPHeadError.self, "\(bad)") { try HTTPRequestHead.decode(Array(bad.utf8)) }
        }
        #expect(throws: HTTPHeadError.versionNotSupported("HTTP/2.0")) { try HTTPRequestHead.decode(Array("GET http://a/ HTTP/2.0\r\n\r\n".utf8)) }
    }

    @Test func absoluteURIsBecomeOriginFormWithoutHopByHopFields() throws {
        let request = try HTTPProxyRequest(head("""
            POST http://10.6.0.2:8000/upload?x=1#top HTTP/1.1\r
            Host: somewhere.else\r
            Proxy-Connection: Keep-Alive\r
            Proxy-Authorization: Basic YWxpY2U6czNjcmV0\r
            Connection: keep-alive, X-Private\r
            X-Private: 1\r
            Keep-Alive: 300\r
            Content-Length: 4\r
            Accept: */*\r
            \r

            """))
        let destination = ProxyDestination(host: .address(RPCAddress(text: "10.6.0.2")!), port: 8000)
        #expect(request == .forward(destination, head: HTTPRequestHead(method: "POST", target: "/upload?x=1", fields: [
            (name: "Host", value: "10.6.0.2:8000"), (name: "Content-Length", value: "4"), (name: "Accept", value: "*/*"),
            (name: "Connection", value: "close"),
        ])))

        guard case .forward(let named, let bare) = try HTTPProxyRequest(head("GET http://Web.Lab HTTP/1.0\r\n\r\n")) else {
            Issue.record("not forwarded")
            return
        }
        #expect(named == ProxyDestination(host: .name("web.lab"), port: 80))
        #expect(bare.target == "/" && bare.version == "HTTP/1.0" && bare.value(of: "host") == "Web.Lab")
        guard case .forward(let six, _) = try HTTPProxyRequest(head("GET http://[fd00::2]:81?q HTTP/1.1\r\n\r\n")) else { return }
        #expect(six == ProxyDestination(host: .address(RPCAddress(text: "fd00::2")!), port: 81))
    }

    @Test func tunnelsAndRefusals() throws {
        #expect(try HTTPProxyRequest(head("CONNECT 10.6.0.2:443 HTTP/1.1\r\nHost: 10.6.0.2:443\r\n\r\n"))
            == .tunnel(ProxyDestination(host: .address(RPCAddress(text: "10.6.0.2")!), port: 443)))
        #expect(try HTTPProxyRequest(head("CONNECT [::1]:22 HTTP/1.1\r\n\r\n"))
            == .tunnel(ProxyDestination(host: .address(RPCAddress(text: "::1")!), port: 22)))
        let refusals: [(String, HTTPStatus)] = [
            ("CONNECT 10.6.0.2 HTTP/1.1\r\n\r\n", .badRequest),
            ("CONNECT 10.6.0.2:0 HTTP/1.1\r\n\r\n", .badRequest),
            ("CONNECT [10.6.0.2]:80 HTTP/1.1\r\n\r\n", .badRequest),
            ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest),
            ("GET https://a/ HTTP/1.1\r\n\r\n", .notImplemented),
            ("GET ftp://a/ HTTP/1.1\r\n\r\n", .notImplemented),
            ("GET http://user:pw@a/ HTTP/1.1\r\n\r\n", .badRequest),
            ("GET http://a%41b/ HTTP/1.1\r\n\r\n", .badRequest),
            ("GET http:///x HTTP/1.1\r\n\r\n", .badRequest),
            ("GET http://a:99999/ HTTP/1.1\r\n\r\n", .badRequest),
        ]
        for (text, status) in refusals {
            #expect(throws: HTTPProxyRequestError.self, "\(text)") { try HTTPProxyRequest(head(text)) }
            do { _ = try HTTPProxyRequest(head(text)) } catch let error as HTTPProxyRequestError {
                #expect(error.status == status, "\(text)")
            }
        }
        let response = String(decoding: HTTPStatus.forbidden.response("no", headers: [("Proxy-Authenticate", "Basic realm=\"netcon\"")]), as: UTF8.self)
        #expect(response == "HTTP/1.1 403 Forbidden\r\nProxy-Authenticate: Basic realm=\"netcon\"\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\nConnection: close\r\n\r\nno\n")
    }

    @Test func basicCredentialsAndTheCredentialSet() throws {
        let credentials = try #require(HTTPProxyRequest.basicCredentials(head("GET http://a/ HTTP/1.1\r\nProxy-Authorization: basic YWxpY2U6czNjcjp0\r\n\r\n")))
        #expect(credentials.username == Array("alice".utf8) && credentials.password == Array("s3cr:t".utf8))
        #expect(HTTPProxyRequest.basicCredentials(try head("GET http://a/ HTTP/1.1\r\nProxy-Authorization: Basic YWxp=2U6\r\n\r\n")) == nil)
        #expect(HTTPProxyRequest.basicCredentials(try head("GET http://a/ HTTP/1.1\r\nProxy-Authorization: Digest x\r\n\r\n")) == nil)

        var set = ProxyCredentials()
        #expect(set.isEmpty)
        try set.add("alice:s3cr:t")
        try set.add(file: "# users\nbob:hunter2\r\n\n")
        #expect(set.accepts(username: Array("alice".utf8), password: Array("s3cr:t".utf8)))
        #expect(set.accepts(username: Array("bob".utf8), password: Array("hunter2".utf8)))
        #expect(!set.accepts(username: Array("bob".utf8), password: Array("hunter".utf8)))
        #expect(!set.accepts(username: Array("bo".utf8), password: Array("hunter2".utf8)))
        #expect(!set.accepts(username: [], password: []))
        #expect(throws: ProxyCredentialsError.self) { try set.add("nopassword") }
        #expect(throws: ProxyCredentialsError.self) { try set.add(":x") }
        #expect(throws: ProxyCredentialsError.self) { try set.add("x:") }
        do { try set.add(file: "a:b\nbroken\n") } catch { #expect(error.description.hasPrefix("line 2: ")) }
    }

    @Test func proxyProtocolHeaderAsHAProxyLaysItOut() throws {
        let header = ProxyProtocolHeader(source: RPCEndpoint(address: RPCAddress(text: "10.6.0.3"), port: 40000),
                                         destination: RPCEndpoint(address: RPCAddress(text: "10.6.0.2"), port: 8080))
        #expect(header.bytes == [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0, 12,
                                 10, 6, 0, 3, 10, 6, 0, 2, 0x9c, 0x40, 0x1f, 0x90])
        #expect(ProxyProtocolHeader.decode(header.bytes + [1, 2]) == .complete(header, consumed: 28))
        #expect(ProxyProtocolHeader.decode(Array(header.bytes.prefix(20))) == .incomplete)
        #expect(ProxyProtocolHeader.decode(Array("GET / HTTP/1.1\r\n".utf8)) == nil)
        let six = ProxyProtocolHeader(source: RPCEndpoint(address: RPCAddress(text: "fd00::3"), port: 1),
                                      destination: RPCEndpoint(address: RPCAddress(text: "fd00::2"), port: 2))
        #expect(six.bytes.count == 16 + 36 && six.bytes[13] == 0x21)
        #expect(ProxyProtocolHeader.decode(six.bytes) == .complete(six, consumed: 52))
    }
}
