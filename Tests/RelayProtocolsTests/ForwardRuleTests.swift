import NetconRPC
import RelayProtocols
import Testing

@Suite struct ForwardRuleTests {
    let loopback = RPCAddress(text: "127.0.0.1")!

    @Test func rulesReadBothDirectionsAndBothFamilies() throws {
        let expose = try ForwardRule(.expose, "tcp:8080=127.0.0.1:80")
        #expect(expose.transport == .tcp && expose.listen == RPCEndpoint(address: nil, port: 8080))
        #expect(expose.target == RPCEndpoint(address: loopback, port: 80))
        #expect(expose.text == "tcp:8080=127.0.0.1:80")

        // publish listens on 127.0.0.1 unless told otherwise.
        let publish = try ForwardRule(.publish, "udp:5353=10.147.20.7:53")
        #expect(publish.listen == RPCEndpoint(address: loopback, port: 5353))
        #expect(publish.text == "udp:127.0.0.1:5353=10.147.20.7:53")

        let six = try ForwardRule(.publish, "TCP:[::1]:5432=[fd00::7]:5432")
        #expect(six.listen == RPCEndpoint(address: RPCAddress(text: "::1"), port: 5432))
        #expect(six.target == RPCEndpoint(address: RPCAddress(text: "fd00::7"), port: 5432))
        #expect(try ForwardRule(.publish, six.text) == six)

        let proxied = try ForwardRule(.expose, "tcp:10.147.20.1:22=127.0.0.1:22", proxyProtocol: true)
        #expect(proxied.listen.address == RPCAddress(text: "10.147.20.1") && proxied.proxyProtocol)
        #expect(proxied.description == "expose tcp:10.147.20.1:22=127.0.0.1:22 proxy-protocol")
    }

    @Test func badRulesSayWhatIsWrong() {
        let cases: [(ForwardRule.Direction, String, String)] = [
            (.expose, "sctp:80=127.0.0.1:80", "does not start with tcp: or udp:"),
            (.expose, "tcp:80", "is not tcp:[ADDRESS:]PORT=ADDRESS:PORT"),
            (.expose, "tcp:80=127.0.0.1:80=1", "is not tcp:"),
            (.expose, "tcp:0=127.0.0.1:80", "port 0"),
            (.expose, "tcp:80=127.0.0.1:70000", "is not a port"),
            (.expose, "tcp:80=80", "is not IPv4:PORT or [IPv6]:PORT"),
            (.expose, "tcp:80=localhost:80", "'localhost' is not an IP address"),
            (.publish, "tcp:[127.0.0.1]:80=10.0.0.1:80", "is not an IPv6 address"),
            (.publish, "tcp:::1:80=10.0.0.1:80", "is not PORT"),
        ]
        for (direction, text, message) in cases {
            #expect(throws: ForwardRuleError.self, "\(text)") { try ForwardRule(direction, text) }
            do {
                _ = try ForwardRule(direction, text)
            } catch {
                #expect(error.description.contains(message), "\(text): \(error)")
            }
        }
        #expect(throws: ForwardRuleError("'udp:53=127.0.0.1:53': the PROXY protocol header is for expose tcp rules only")) {
            try ForwardRule(.expose, "udp:53=127.0.0.1:53", proxyProtocol: true)
        }
        #expect(throws: ForwardRuleError.self) { try ForwardRule(.publish, "tcp:80=10.0.0.1:80", proxyProtocol: true) }
    }

    @Test func theFileTakesTheFlagsWordsCommentsAndSaysWhichLineIsWrong() throws {
        let text = """
            # forwards of this node
            expose tcp:8080=127.0.0.1:80   # the web server
            --publish udp:5353=10.0.0.2:53
            --expose=tcp:2222=127.0.0.1:22 proxy-protocol

            \texpose udp:[fd00::1]:53=[::1]:53\r
            """
        let rules = try ForwardRuleFile.parse(text)
        #expect(rules == [
            try ForwardRule(.expose, "tcp:8080=127.0.0.1:80"),
            try ForwardRule(.publish, "udp:5353=10.0.0.2:53"),
            try ForwardRule(.expose, "tcp:2222=127.0.0.1:22", proxyProtocol: true),
            try ForwardRule(.expose, "udp:[fd00::1]:53=[::1]:53"),
        ])
        #expect(try ForwardRuleFile.parse("") == [])
        #expect(try ForwardRuleFile.parse("# nothing\n\n") == [])

        let broken: [(String, Int, String)] = [
            ("expose tcp:1=127.0.0.1:1\nforward tcp:1=127.0.0.1:1", 2, "neither expose nor publish"),
            ("\n\n\npublish", 4, "publish needs a rule"),
            ("expose tcp:1=127.0.0.1:1 fast", 1, "unknown option 'fast'"),
            ("publish tcp:1=127.0.0.1:1 proxy-protocol", 1, "for expose tcp rules only"),
            ("expose tcp:1=nowhere:1", 1, "not an IP address"),
        ]
        for (file, line, message) in broken {
            do {
                _ = try ForwardRuleFile.parse(file)
                Issue.record("accepted \(file)")
            } catch {
                #expect(error.line == line, "\(file)")
                #expect(error.description.hasPrefix("line \(line): ") && error.description.contains(message), "\(error)")
            }
        }
    }

    @Test func endpointsAndRoutes() throws {
        #expect(try EndpointText.parse("10.0.0.1:80", optionalAddress: false) == RPCEndpoint(address: RPCAddress(text: "10.0.0.1"), port: 80))
        #expect(throws: EndpointText.Invalid.self) { try EndpointText.parse("80", optionalAddress: false) }
        #expect(EndpointText.isLoopback(RPCAddress(text: "127.3.2.1")!))
        #expect(EndpointText.isLoopback(RPCAddress(text: "::1")!))
        #expect(!EndpointText.isLoopback(RPCAddress(text: "0.0.0.0")!))
        #expect(!EndpointText.isLoopback(RPCAddress(text: "::")!))

        func within(_ address: String, _ network: String, _ length: UInt8) -> Bool {
            RPCAddress(text: address)!.isWithin(RPCAddress(text: network)!, prefixLength: length)
        }
        #expect(within("10.147.31.255", "10.147.16.0", 20))
        #expect(!within("10.147.32.0", "10.147.16.0", 20))
        #expect(!within("fd00::1", "10.147.16.0", 20))
        #expect(within("fd45:1843:4e30:1:99:930f:845b:7051", "fd45:1843:4e30:1:99:9300::", 88))
        #expect(!within("fd45:1843:4e30:1:99:9400::1", "fd45:1843:4e30:1:99:9300::", 88))
        #expect(within("10.0.0.1", "10.0.0.1", 32) && !within("10.0.0.2", "10.0.0.1", 32))
        #expect(within("192.0.2.1", "0.0.0.0", 0))
    }
}
