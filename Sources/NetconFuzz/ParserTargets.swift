import ZeroTier

/// Every stateless decoder of the wire and world formats, on the same bytes. Each must throw or succeed; what
/// it accepts must come back unchanged through encode → decode (exactly the same bytes where the layout is
/// deterministic), which catches decoders that accept something their encoder cannot say.
enum ParserTargets {
    /// One decoder per verb with a message type (the verbs ZeroTier defines but netcon ignores have none).
    static let messageTypes: [Verb: any WireMessage.Type] = [
        .hello: HelloMessage.self, .error: ErrorMessage.self, .ok: OKMessage.self, .whois: WhoisMessage.self,
        .rendezvous: RendezvousMessage.self, .frame: FrameMessage.self, .extFrame: ExtFrameMessage.self,
        .echo: EchoMessage.self, .multicastLike: MulticastLikeMessage.self,
        .networkCredentials: NetworkCredentialsMessage.self, .networkConfigRequest: NetworkConfigRequestMessage.self,
        .networkConfig: NetworkConfigMessage.self, .multicastGather: MulticastGatherMessage.self,
        .multicastFrame: MulticastFrameMessage.self, .pushDirectPaths: PushDirectPathsMessage.self,
    ]

    static func run(_ bytes: [UInt8]) {
        datagram(bytes)
        world(bytes)
        for type in messageTypes.values { message(type, bytes) }
        compression(bytes)
        moonList(bytes)
        identity(bytes)
        reassembly(bytes)
    }

    // MARK: - Framing

    static func datagram(_ bytes: [UInt8]) {
        switch try? Datagram(bytes: bytes) {
        case .packet(let packet)?:
            FuzzCheck.require(packet.encoded() == bytes, "Packet re-encodes differently")
            // What the node does after dearmoring: decompress, then decode by verb.
            if let plain = try? packet.decompressed(), let verb = plain.header.verb, let type = messageTypes[verb] {
                message(type, plain.payload)
            }
        case .fragment(let fragment)?:
            FuzzCheck.require(fragment.encoded() == bytes, "Fragment re-encodes differently")
        case .beacon?, nil:
            break
        }
        // The direct decoders too: Datagram picks one by length and indicator byte, these do not.
        if let packet = try? Packet(bytes: bytes) {
            FuzzCheck.require(packet.encoded() == bytes, "Packet re-encodes differently")
        }
        if let fragment = try? Fragment(bytes: bytes) {
            FuzzCheck.require(fragment.encoded() == bytes, "Fragment re-encodes differently")
        }
    }

    static func world(_ bytes: [UInt8]) {
        guard let world = try? World(bytes: bytes) else { return }
        let again = try? World(bytes: world.encoded())
        FuzzCheck.require(again == world, "World does not survive re-encoding")
        _ = world.verifySignature()
    }

    static func message<M: WireMessage>(_ type: M.Type, _ payload: [UInt8]) {
        guard let message = try? M(payload: payload) else { return }
        let again = try? M(payload: message.encoded())
        FuzzCheck.require(again == message, "\(M.verb) does not survive re-encoding")
        // OK(HELLO) may carry world updates: their section is parsed only on demand.
        if let ok = message as? OKMessage, case .hello(let reply) = ok.body {
            _ = try? reply.worldUpdates()
        }
    }

    static func compression(_ bytes: [UInt8]) {
        guard let plain = try? PacketCompression.decompress(bytes) else { return }
        FuzzCheck.require(!plain.isEmpty && plain.count <= ProtocolLimits.maxPayloadLength,
                          "LZ4 output of \(plain.count) bytes")
        if let block = PacketCompression.compress(plain) {
            FuzzCheck.require((try? PacketCompression.decompress(block)) == plain, "LZ4 does not round-trip")
        }
    }

    /// HELLO's deciphered moon list.
    static func moonList(_ bytes: [UInt8]) {
        guard let moons = try? HelloMessage.Moon.decodeList(bytes) else { return }
        let again = try? HelloMessage.Moon.decodeList(HelloMessage.Moon.encodeList(moons))
        FuzzCheck.require(again == moons, "moon list does not survive re-encoding")
    }

    /// A binary identity (HELLO, OK(WHOIS)); only the layout, not the memory-hard address check.
    static func identity(_ bytes: [UInt8]) {
        var reader = ByteReader(bytes)
        _ = try? Identity(from: &reader)
    }

    // MARK: - Reassembly

    /// Cuts the input into datagrams (each: 1 byte of clock step in 20 ms units, a big-endian u16 length,
    /// that many bytes) and hands heads and fragments to a small reassembler, so eviction and expiry happen too.
    static func reassembly(_ bytes: [UInt8]) {
        var reassembler = Reassembler(configuration: .init(capacity: 4, timeout: 1_000))
        var reader = ByteReader(bytes)
        var now: Int64 = 0
        while let step = try? reader.readUInt8(), let length = try? reader.readUInt16() {
            now += Int64(step) * 20
            let chunk = (try? reader.readBytes(min(Int(length), reader.remaining))) ?? []
            let outcome: Reassembler.Outcome
            switch try? Datagram(bytes: chunk) {
            case .packet(let head)?: outcome = reassembler.receive(head: head, now: now)
            case .fragment(let fragment)?: outcome = reassembler.receive(fragment, now: now)
            case .beacon?, nil: continue
            }
            if case .complete(let packet) = outcome {
                FuzzCheck.require(packet.length <= ProtocolLimits.maxPacketLength, "reassembled \(packet.length) bytes")
                FuzzCheck.require(packet.header.flags.isFragmented, "reassembled packet lost its fragmented flag")
            }
            FuzzCheck.require(reassembler.pendingCount <= reassembler.configuration.capacity,
                              "\(reassembler.pendingCount) packets pending")
        }
        reassembler.expire(now: now + 2_000)
        FuzzCheck.require(reassembler.pendingCount == 0, "packets outlive their timeout")
    }
}
