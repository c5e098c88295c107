extension Node {
    /// Handles one UDP datagram that arrived from `endpoint`. Never traps, whatever the bytes.
    @discardableResult
    public func receive(_ bytes: [UInt8], from endpoint: InetEndpoint, now: Int64) -> DecodeOutcome {
        counters.datagramsReceived += 1
        if bytes.count == 4 {
            // ZeroTier's NAT-punching junk (sent with TTL 2 before a HELLO): nothing to read.
            counters.natPunchesIgnored += 1
            return .handled
        }
        let datagram: Datagram
        do {
            datagram = try Datagram(bytes: bytes)
        } catch {
            return drop(.malformed)
        }
        switch datagram {
        case .beacon:
            return .handled
        case .fragment(let fragment):
            if fragment.destination != address {
                return relay(bytes, to: fragment.destination, source: nil, hopsIndex: Fragment.hopsOffset, now: now)
            }
            return reassembled(reassembler.receive(fragment, now: now), from: endpoint, now: now)
        case .packet(let packet):
            if packet.header.destination != address {
                return relay(bytes, to: packet.header.destination, source: packet.header.source, hopsIndex: 18, now: now)
            }
            if packet.header.flags.isFragmented {
                return reassembled(reassembler.receive(head: packet, now: now), from: endpoint, now: now)
            }
            return process(packet, from: endpoint, now: now)
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
        let header = packet.header
        guard header.flags.hops <= ProtocolLimits.maxHops else { return drop(.hopLimit) }
        guard header.source != address else { return drop(.fromSelf) }
        guard !header.source.isReserved else { return drop(.reservedAddress) }
        if let peer = peers[header.source] {
            return authenticate(packet, peer: peer, from: endpoint, now: now)
        }
        if header.flags.cipher == .poly1305None && header.verb == .hello {
            return helloFromStranger(packet, from: endpoint, now: now)
        }
        guard identityWait.admit(header.source, now: now) else { return drop(.waitingQueueFull) }
        identityWait.holdInbound(packet, from: endpoint, for: header.source)
        requestIdentities(now: now)
        return .awaitingIdentity(header.source)
    }

    private func authenticate(_ packet: Packet, peer: Peer, from endpoint: InetEndpoint, now: Int64) -> DecodeOutcome {
        let cipher = packet.header.flags.cipher
        guard cipher == .poly1305None || cipher == .salsa2012Poly1305 || cipher == .aesGmacSiv else {
            return drop(.unsupportedCipher)
        }
        var bytes = packet.encoded()
        guard PacketArmor.dearmor(&bytes, key: peer.key, aesKeys: peer.aesKeys) else { return drop(.authenticationFailed) }
        let plain: Packet
        do {
            plain = try Packet(bytes: bytes).decompressed()
        } catch {
            return drop(.badPayload)
        }
        guard let verb = plain.header.verb else { return drop(.unknownVerb) }
        // Only HELLO may travel unencrypted; anything else in the clear is a downgrade attempt.
        guard cipher != .poly1305None || verb == .hello else { return drop(.authenticationFailed) }
        counters.packetsAccepted += 1
        peer.lastReceive = now
        if plain.header.flags.hops == 0 {
            if peer.hasPath(endpoint) || verb == .hello || verb == .ok {
                peer.confirmPath(endpoint, now: now)
            } else if now - peer.lastHelloSent >= 1_000 {
                // A new direct path: confirm it with a HELLO before trusting it (ZeroTier does the same).
                sendHello(to: peer, at: endpoint, now: now)
            }
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
        let outcome = authenticate(packet, peer: peer, from: endpoint, now: now)
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
