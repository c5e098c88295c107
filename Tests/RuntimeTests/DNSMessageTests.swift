import DNS
import Testing

@Suite struct DNSMessageTests {
    /// dig's query for "Web.ZT.example A" (RD, an EDNS OPT record with a cookie), as captured.
    static let digQuery: [UInt8] = [
        0x4f, 0x1c, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
        0x03, 0x57, 0x65, 0x62, 0x02, 0x5a, 0x54, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x00, 0x01, 0x00, 0x01,
        0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05,
        0x06, 0x07, 0x08,
    ]

    @Test func aQueryIsReadWithItsQuestionAsItCame() throws {
        let query = try DNSQuery(parsing: Self.digQuery)
        #expect(query.header.id == 0x4f1c)
        #expect(query.header.recursionDesired)
        #expect(query.name == DNSName("web.zt.example"))
        #expect(query.name.description == "web.zt.example")
        #expect(query.type == DNSType.a)
        #expect(query.questionWire == Array(Self.digQuery[12..<32]))
    }

    @Test func anAnswerRepeatsTheQuestionAndPointsItsRecordsAtIt() throws {
        let query = try DNSQuery(parsing: Self.digQuery)
        let response = query.response(.noError, records: [.a([10, 147, 17, 5]), .aaaa(Array(repeating: 0xfd, count: 16))],
                                      ttl: 60, authoritative: true, recursionAvailable: false)
        let reply = try DNSReply(parsing: response)
        #expect(reply.header.id == 0x4f1c)
        #expect(reply.header.responseCode == .noError)
        #expect(reply.header.flags & 0x0400 != 0)  // authoritative
        #expect(reply.header.flags & 0x0100 != 0)  // RD copied
        #expect(reply.header.flags & 0x0080 == 0)
        #expect(reply.addresses == [[10, 147, 17, 5], Array(repeating: 0xfd, count: 16)])
        #expect(Array(response[12..<32]) == Array(Self.digQuery[12..<32]), "the question, case and all")
        #expect(Array(response[32..<34]) == [0xc0, 0x0c])
    }

    @Test func aCodeWithoutRecords() throws {
        let query = DNSQuery(id: 7, name: DNSName("nothere.zt.example")!, type: DNSType.aaaa)
        let reply = try DNSReply(parsing: query.response(.nameError))
        #expect(reply.header.responseCode == .nameError)
        #expect(reply.header.responseCode.description == "NXDOMAIN")
        #expect(reply.addresses.isEmpty)
        #expect(try DNSQuery(parsing: query.bytes) == query)
    }

    @Test func namesCompareWithoutCaseAndKnowTheirDomain() {
        let name = DNSName("WEB.Zt.Example.")!
        #expect(name == DNSName("web.zt.example"))
        #expect(name.isWithin(DNSName("zt.example")!))
        #expect(name.isWithin(DNSName("web.zt.example")!))
        #expect(!name.isWithin(DNSName("t.example")!))
        #expect(!DNSName("zt.example")!.isWithin(name))
        #expect(name.labels(before: DNSName("zt.example")!).map { String(decoding: $0, as: UTF8.self) } == ["web"])
        #expect(DNSName("")!.isRoot)
        #expect(DNSName("a..b") == nil)
        #expect(DNSName(String(repeating: "a", count: 64) + ".example") == nil)
        #expect(DNSName(Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: ".")) == nil, "256 bytes")
    }

    @Test func reverseNamesOfBothFamilies() throws {
        #expect(DNSName.reverse(of: [10, 147, 17, 5]) == DNSName("5.17.147.10.in-addr.arpa"))
        #expect(DNSName("5.17.147.10.in-addr.arpa")?.reverseAddress == [10, 147, 17, 5])
        let six: [UInt8] = [0xfd, 0x80, 0x56, 0xc2, 0xe2, 0x1c, 0, 0, 1, 0x99, 0x93, 0xaa, 0xbb, 0xcc, 0, 1]
        let name = DNSName.reverse(of: six)
        #expect(name.description.hasSuffix(".ip6.arpa") && name.description.hasPrefix("1.0.0.0.c.c.b.b."))
        #expect(name.reverseAddress == six)
        #expect(DNSName("05.17.147.10.in-addr.arpa")?.reverseAddress == nil, "a leading zero is no address")
        #expect(DNSName("256.17.147.10.in-addr.arpa")?.reverseAddress == nil)
        #expect(DNSName("17.147.10.in-addr.arpa")?.reverseAddress == nil, "a network, not an address")
        #expect(DNSName("web.zt.example")?.reverseAddress == nil)
        // A PTR answer reads back as its name.
        let query = DNSQuery(id: 3, name: name, type: DNSType.ptr)
        #expect(try DNSReply(parsing: query.response(.noError, records: [.ptr(DNSName("web.zt.example")!)])).names == [DNSName("web.zt.example")!])
    }

    @Test func compressionPointersMustPointBack() throws {
        // The answer's name points at the question (fine); a name pointing at itself or forward is malformed.
        var message: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0x61, 0, 0, 1, 0, 1, 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4]
        #expect(try DNSReply(parsing: message).addresses == [[1, 2, 3, 4]])
        message[19] = 0xc0
        message[20] = 19
        #expect(throws: DNSDecodeError.self) { try DNSReply(parsing: message) }
        message[20] = 30
        #expect(throws: DNSDecodeError.self) { try DNSReply(parsing: message) }
    }

    @Test func aCompressedQuestionIsAnsweredExpanded() throws {
        // The fuzzer's find: a question whose name ends in a pointer (here into the header) must not be echoed as is.
        let message: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 0xc0, 0x03, 0, 1, 0, 1]
        let query = try DNSQuery(parsing: message)
        #expect(query.name == DNSName("a"))
        #expect(query.questionWire == [1, 0x61, 0, 0, 1, 0, 1])
        let response = query.response(.noError, records: [.a([1, 2, 3, 4])])
        #expect(Array(response[12..<19]) == query.questionWire)
        #expect(try DNSReply(parsing: response).addresses == [[1, 2, 3, 4]])
    }

    @Test func whatIsNotAQueryGetsFormatErrorOrNothing() {
        #expect(throws: DNSDecodeError.self) { try DNSQuery(parsing: [0x12, 0x34, 0x01, 0x00, 0, 2, 0, 0, 0, 0, 0, 0]) }
        #expect(DNSQuery.formatError(for: [0x12, 0x34, 0x01, 0x00, 0, 2, 0, 0, 0, 0, 0, 0])
            == [0x12, 0x34, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(DNSQuery.formatError(for: [0x12, 0x34, 0x81]) == nil, "too short to answer")
        #expect(DNSQuery.formatError(for: [0x12, 0x34, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0]) == nil, "a response is never answered")
        for length in 0..<Self.digQuery.count where length < 32 {
            #expect(throws: DNSDecodeError.self) { try DNSQuery(parsing: Array(Self.digQuery.prefix(length))) }
        }
    }

    @Test func resolvConfAsGlibcReadsIt() {
        let text = """
            # generated
            search example.org
            nameserver 10.0.0.53
            nameserver   fe80::1%eth0 ; link-local
            ;nameserver 10.9.9.9
            options ndots:2
            nameserver 192.0.2.1
            nameserver 192.0.2.2
            """
        #expect(ResolverConfiguration.nameservers(in: text) == ["10.0.0.53", "fe80::1", "192.0.2.1"])
        #expect(ResolverConfiguration.nameservers(in: "search example.org\n") == ["127.0.0.1", "::1"])
        #expect(ResolverConfiguration.nameservers(in: nil) == ["127.0.0.1", "::1"])
    }
}
