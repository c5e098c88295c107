import Foundation
import Testing
@testable import ZeroTier

@Suite struct NetworkMembershipCertificateTests {
    static func com(_ name: String) throws -> CertificateOfMembership {
        try #require(try NetworkConfig(decoding: try NetworkVectors.confBytes(name)).certificateOfMembership)
    }

    /// The COMs the members pushed to each other in NETWORK_CREDENTIALS.
    static func pushedCOMs() throws -> [(from: Address, com: CertificateOfMembership)] {
        try SessionRecords.load().packets.filter { $0.verb == "NETWORK_CREDENTIALS" }.flatMap { record in
            var reader = ByteReader(try Vectors.hex(try #require(record.payloadHex)))
            let message = try NetworkCredentialsMessage(from: &reader)
            return message.certificatesOfMembership.map { (Address(record.src)!, $0) }
        }
    }

    @Test func membershipHashIsSHA384() {
        #expect(Hex.encode(SHA384.hash(Array("abc".utf8)))
            == "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")
        #expect(Hex.encode(SHA384.hash([]))
            == "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b")
        // Two blocks (the 112-byte boundary forces a second one).
        let long = [UInt8](repeating: 0x61, count: 200)
        #expect(Hex.encode(SHA384.hash(long)) == "0691b6e978614b67d60557b2a2cddd53406508522efa21c624dbbfa8ab6e726d5c586b489c7c09f24109a64c10211d48")
    }

    @Test func identityHashQualifiersAreSHA384OfAddressAndKey() throws {
        for (node, name) in [("m1", "m1/cf2daa94e4000001.conf"), ("m2", "m2/cf2daa94e4000002.conf")] {
            let identity = try NetworkVectors.identity(node)
            let com = try Self.com(name)
            #expect(com.qualifiers.map(\.id) == [0, 1, 2, 3, 4, 5, 6])
            #expect(com.qualifiers[3...].map(\.value) == CertificateOfMembership.identityHash(of: identity))
            #expect(com.qualifiers[3...].allSatisfy { $0.maxDelta == .max })
        }
        #expect(CertificateOfMembership.identityHash(of: try NetworkVectors.identity("m1"))
            == [0x02b1_a5e7_ce0e_5eed, 0x96f7_c0b6_69ca_1013, 0x96b7_9667_18ee_ece1, 0x1be4_a7de_f9b1_e26f])
    }

    @Test(arguments: NetworkVectors.confNames)
    func controllerIssuesTheSameCertificate(name: String) throws {
        let real = try Self.com(name)
        let config = try NetworkConfig(decoding: try NetworkVectors.confBytes(name))
        let member = try NetworkVectors.identity(name.hasPrefix("m1") ? "m1" : "m2")
        let issued = CertificateOfMembership(issuedTo: member, network: config.networkID, timestamp: config.timestamp,
                                             maxDelta: config.credentialTimeMaxDelta)
        #expect(issued.qualifiers == real.qualifiers)
        #expect(issued.signer == nil)
        // C25519 signatures are deterministic: the controller's key gives the captured signature.
        #expect(issued.signed(by: try NetworkVectors.secretIdentity("ctl")) == real)
        #expect(issued.signed(by: try NetworkVectors.identity("ctl")) == nil)
    }

    @Test func realCertificatesVerifyWithTheController() throws {
        let controller = try NetworkVectors.identity("ctl")
        for name in NetworkVectors.confNames { #expect(try Self.com(name).isSigned(by: controller), "\(name)") }
        let pushed = try Self.pushedCOMs()
        #expect(!pushed.isEmpty)
        for (_, com) in pushed { #expect(com.isSigned(by: controller)) }
        // Signed by the controller, but checked against someone else's key, or unsigned: refused.
        #expect(!(try Self.com(NetworkVectors.confNames[0])).isSigned(by: try NetworkVectors.identity("m1")))
        let unsigned = CertificateOfMembership(issuedTo: try NetworkVectors.identity("m1"), network: NetworkVectors.privateNetwork,
                                               timestamp: 1, maxDelta: 1)
        #expect(!unsigned.isSigned(by: controller))
    }

    @Test func tamperedCertificatesFailVerification() throws {
        let controller = try NetworkVectors.identity("ctl")
        let real = try Self.com("m1/cf2daa94e4000001.conf")
        for index in real.qualifiers.indices {
            var tampered = real
            tampered.qualifiers[index].value ^= 1
            #expect(!tampered.isSigned(by: controller), "qualifier \(index)")
            tampered = real
            tampered.qualifiers[index].maxDelta ^= 1 << 40
            #expect(!tampered.isSigned(by: controller), "max delta \(index)")
        }
        var signature = real
        signature.signature[5] ^= 0x80
        #expect(!signature.isSigned(by: controller))
        // A certificate for a network the signer does not control is refused even with a valid signature.
        let m1 = try NetworkVectors.secretIdentity("m1")
        let foreign = try #require(CertificateOfMembership(issuedTo: m1, network: NetworkVectors.privateNetwork,
                                                           timestamp: 5, maxDelta: 5).signed(by: m1))
        #expect(!foreign.isSigned(by: m1))
    }

    @Test func membersOfTheSameNetworkAgree() throws {
        let m1 = try NetworkVectors.identity("m1"), m2 = try NetworkVectors.identity("m2")
        for network in ["cf2daa94e4000001", "cf2daa94e4000002"] {
            let mine = try Self.com("m1/\(network).conf"), theirs = try Self.com("m2/\(network).conf")
            #expect(mine.agrees(with: theirs, presentedBy: m2))
            #expect(theirs.agrees(with: mine, presentedBy: m1))
            // A certificate replayed by the wrong peer does not agree.
            #expect(!mine.agrees(with: theirs, presentedBy: m1))
        }
        // Different networks never agree (network ID max delta 0).
        #expect(!(try Self.com("m1/cf2daa94e4000001.conf")).agrees(with: try Self.com("m2/cf2daa94e4000002.conf"), presentedBy: m2))
        // The COMs pushed in the capture agree with the receiving member's own.
        for (from, com) in try Self.pushedCOMs() {
            let receiver = from == m1.address ? "m2" : "m1"
            let own = try Self.com("\(receiver)/\(com.networkID!).conf")
            #expect(own.agrees(with: com, presentedBy: from == m1.address ? m1 : m2))
        }
    }

    @Test func timestampsFurtherApartThanMaxDeltaDoNotAgree() throws {
        let ctl = try NetworkVectors.secretIdentity("ctl")
        let m1 = try NetworkVectors.identity("m1"), m2 = try NetworkVectors.identity("m2")
        let network = NetworkVectors.privateNetwork
        let mine = try #require(CertificateOfMembership(issuedTo: m1, network: network, timestamp: 10_000_000,
                                                        maxDelta: 1_800_000).signed(by: ctl))
        func theirs(_ timestamp: Int64) throws -> CertificateOfMembership {
            try #require(CertificateOfMembership(issuedTo: m2, network: network, timestamp: timestamp,
                                                 maxDelta: 1_800_000).signed(by: ctl))
        }
        #expect(mine.agrees(with: try theirs(11_800_000), presentedBy: m2))
        #expect(mine.agrees(with: try theirs(8_200_000), presentedBy: m2))
        #expect(!mine.agrees(with: try theirs(11_800_001), presentedBy: m2))
        #expect(!mine.agrees(with: try theirs(8_199_999), presentedBy: m2))
        // The real pair shifted apart: m2's certificate re-issued 1.8 s + 1 ms after m1's is too old for m1.
        let real = try Self.com("m1/cf2daa94e4000001.conf")
        let late = try #require(CertificateOfMembership(issuedTo: m2, network: network,
                                                        timestamp: Int64(real.timestamp!) + 1_800_001,
                                                        maxDelta: 1_800_000).signed(by: ctl))
        #expect(!real.agrees(with: late, presentedBy: m2))
    }

    @Test func missingQualifiersDoNotAgree() throws {
        let m2 = try NetworkVectors.identity("m2")
        let mine = try Self.com("m1/cf2daa94e4000001.conf")
        var theirs = try Self.com("m2/cf2daa94e4000001.conf")
        theirs.qualifiers.removeLast()
        #expect(!mine.agrees(with: theirs, presentedBy: m2))
        #expect(!mine.agrees(with: CertificateOfMembership(qualifiers: [], signer: nil, signature: []), presentedBy: m2))
        // Without identity hash qualifiers (controllers before 1.4.4) only the other qualifiers count.
        var old = mine
        old.qualifiers = Array(old.qualifiers.prefix(3))
        var oldTheirs = try Self.com("m2/cf2daa94e4000001.conf")
        oldTheirs.qualifiers = Array(oldTheirs.qualifiers.prefix(3))
        #expect(old.agrees(with: oldTheirs, presentedBy: try NetworkVectors.identity("m1")))
    }
}
