extension Node {
    /// Handles one UDP datagram that arrived from `endpoint`. Never traps, whatever the bytes.
    ///
    /// An unfragmented packet is authenticated and decrypted in `bytes` itself, and a frame it carries goes on
    /// as a slice of them: nothing is copied after the datagram left the kernel. A fragmented one is copied
    /// while it is reassembled, then handled the same way.
    @discardableResult
    public func receive(_ datagram: consuming [UInt8], from endpoint: InetEndpoint, now: Int64) -> DecodeOutcome {
        var bytes = consume datagram
        counters.datagramsReceived += 1
        if bytes.count == 4 {
            // ZeroTier's NAT-punching junk (sent with TTL 2 before a HELLO): nothing to read.
            counters.natPunchesIgnored += 1
            return .handled
        }
        switch Datagram.shape(of: bytes) {
        case .packet:
            guard bytes.count <= ProtocolLimits.maxPacketLength else { return drop(.malformed) }
            let header = PacketHeader(wire: bytes)
            if header.destination != address {
                return relay(bytes, to: header.destination, source: header.source, hopsIndex: 18, now: now)
            }
            if header.flags.isFragmented {
                guard let head = try? Packet(bytes: bytes) else { return drop(.malformed) }
                return reassembled(reassembler.receive(head: head, now: now), from: endpoint, now: now)
            }
            return process(wire: &bytes, header: header, from: endpoint, now: now)
        case .fragment:
            guard let fragment = try? Fragment(bytes: bytes) else { return drop(.malformed) }
            if fragment.destination != address {
                return relay(bytes, to: fragment.destination, source: nil, hopsIndex: Fragment.hopsOffset, now: now)
            }
            return reassembled(reassembler.receive(fragment, now: now), from: endpoint, now: now)
        case .beacon:
            return .handled
        case .invalid:
            return drop(.malformed)
        }
    }

    private func reassembled(_ outcome: Reassembler.Outcome, from endpoint: InetEndpoint, now: Int64) -> DecodeOutcome {
        switch outcome {
        case .complete(let packet): process(packet, from: endpoint, now: now)
        case .pending: .pendingFragments
        case .dropped: drop(.fragmentRejected)
        }
    }

    func drop(_ reason: DropReason) -> DecodeOutcome {
        counters.drop(reason)
        return .dropped(reason)
    }

    /// A whole packet addressed to us: authenticate it with its sender's key (fetching the identity first
    /// if we do not have it), then act on its verb.
    func process(_ packet: Packet, from endpoint: InetEndpoint, now: Int64) -> DecodeOutcome {
        var wire = packet.encoded()
        return process(wire: &wire, header: packet.header, from: endpoint, now: now)
    }

    /// `process(_:from:now:)` on the packet's wire bytes, which are decrypted in place.
    private func process(wire bytes: inout [UInt8], header: PacketHeader, from endpoint: InetEndpoint, now: Int64) -> DecodeOutcome {
        guard header.flags.hops <= ProtocolLimits.maxHops else { return drop(.hopLimit) }
        guard header.source != address else { return drop(.fromSelf) }
        guard !header.source.isReserved else { return drop(.reservedAddress) }
        if let peer = peers[header.source] {
            return authenticate(&bytes, header: header, peer: peer, from: endpoint, now: now)
        }
        guard let packet = try? Packet(bytes: bytes) else { return drop(.malformed) }
        if header.flags.cipher == .poly1305None && header.verb == .hello {
            return helloFromStranger(packet, from: endpoint, now: now)
        }
        guard identityWait.admit(header.source, now: now) else { return drop(.waitingQueueFull) }
        identityWait.holdInbound(packet, from: endpoint, for: header.source)
        requestIdentities(now: now)
        return .awaitingIdentity(header.source)
    }

    private func authenticate(_ bytes: inout [UInt8], header: PacketHeader, peer: Peer, from endpoint: InetEndpoint,
                              now: Int64) -> DecodeOutcome {
        let cipher = header.flags.cipher
        guard cipher == .poly1305None || cipher == .salsa2012Poly1305 || cipher == .aesGmacSiv else {
            return drop(.unsupportedCipher)
        }
        guard PacketArmor.dearmor(&bytes, key: peer.key, aesKeys: peer.aesKeys) else { return drop(.authenticationFailed) }
        // Suite 3 replaces the packet ID with the synthetic IV's half; the verb byte is plaintext now.
        let opened = PacketHeader(wire: bytes)
        guard let verb = opened.verb else { return drop(.unknownVerb) }
        // Only HELLO may travel unencrypted; anything else in the clear is a downgrade attempt.
        guard cipher != .poly1305None || verb == .hello else { return drop(.authenticationFailed) }
        counters.packetsAccepted += 1
        peer.lastReceive = now
        if opened.flags.hops == 0 {
            if peer.hasPath(endpoint) || verb == .hello || verb == .ok {
                peer.confirmPath(endpoint, now: now)
            } else if now - peer.lastHelloSent >= 1_000 {
                // A new direct path: confirm it with a HELLO before trusting it (ZeroTier does the same).
                sendHello(to: peer, at: endpoint, now: now)
            }
        }
        if verb == .frame && !opened.isCompressed {
            return receiveFrame(bytes, header: opened, peer: peer, from: endpoint, now: now)
        }
        let plain: Packet
        do {
            plain = try Packet(bytes: bytes).decompressed()
        } catch {
            return drop(.badPayload)
        }
        return dispatch(verb, plain, peer: peer, from: endpoint, now: now)
    }

    /// HELLO from a node we have never heard of: the only packet that may introduce an identity.
    private func helloFromStranger(_ packet: Packet, from endpoint: InetEndpoint, now: Int64) -> DecodeOutcome {
        guard let hello = try? HelloMessage(payload: packet.payload) else { return drop(.badPayload) }
        guard hello.identity.address == packet.header.source else { return drop(.identityMismatch) }
        guard hello.protocolVersion >= ProtocolLimits.minimumProtocolVersion else { return drop(.protocolTooOld) }
        guard identityGate.allow(endpoint.sourceNetwork, now: now) else { return drop(.rateLimited) }
        guard let key = identity.agree(with: hello.identity) else { return drop(.invalidIdentity) }
        var bytes = packet.encoded()
        // The MAC check is cheap, the memory-hard hash is not: filter forgeries first.
        guard PacketArmor.dearmor(&bytes, key: key) else { return drop(.authenticationFailed) }
        guard hello.identity.validate() else { return drop(.invalidIdentity) }
        let peer = Peer(identity: hello.identity, key: key, isRoot: false)
        peers[peer.address] = peer
        var wire = packet.encoded()
        let outcome = authenticate(&wire, header: packet.header, peer: peer, from: endpoint, now: now)
        releaseWaiting(for: peer, now: now)
        return outcome
    }

    /// Adds identities learned from a root's OK(WHOIS) and releases what waited for them.
    func learn(_ identities: [Identity], now: Int64) {
        for learned in identities where learned.address != address {
            if peers[learned.address] == nil {
                guard learned.validate(), let key = identity.agree(with: learned) else {
                    counters.drop(.invalidIdentity)
                    continue
                }
                peers[learned.address] = Peer(identity: learned, key: key, isRoot: false)
            }
            if let peer = peers[learned.address] { releaseWaiting(for: peer, now: now) }
        }
    }

    /// Sends and processes what waited for `peer`'s identity.
    private func releaseWaiting(for peer: Peer, now: Int64) {
        guard let waiting = identityWait.take(peer.address) else { return }
        for endpoint in waiting.rendezvous {
            emit([0, 0, 0, 0], to: endpoint, ttl: 2)
            sendHello(to: peer, at: endpoint, now: now)
        }
        for held in waiting.outbound {
            send(held.verb, held.payload, to: peer.address, encrypt: held.encrypt, expectReply: held.expectReply, now: now)
        }
        for held in waiting.inbound { _ = process(held.packet, from: held.from, now: now) }
    }
}

extension Fragment {
    /// Offset of the hop count in a fragment datagram.
    static let hopsOffset = 15
}
