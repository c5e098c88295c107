extension Node {
    /// Sends a message to a peer, fetching its identity first if needed. Returns the packet ID as it goes on
    /// the wire (what the peer's OK or ERROR will name: for suite 3 not the ID the packet was built with), or
    /// nil when the packet had to wait for WHOIS (it is sent once the identity arrives) or could not be queued.
    @discardableResult
    func send(_ verb: Verb, _ payload: [UInt8], to destination: Address, encrypt: Bool = true, expectReply: Bool = false,
              via endpoint: InetEndpoint? = nil, now: Int64) -> UInt64? {
        guard let peer = peers[destination] else {
            guard identityWait.admit(destination, now: now) else {
                counters.drop(.waitingQueueFull)
                return nil
            }
            identityWait.holdOutbound(verb, payload, encrypt: encrypt, expectReply: expectReply, for: destination)
            requestIdentities(now: now)
            return nil
        }
        var packet = Packet(header: PacketHeader(packetID: randomPacketID(), destination: destination, source: address,
                                                 cipher: encrypt ? .salsa2012Poly1305 : .poly1305None, verb: verb),
                            payload: payload)
        // Unicast frames go uncompressed, as ZeroTier One has sent them since 1.4.8: what programs send over
        // a network (encrypted, already compressed) almost never shrinks, and trying costs time per packet.
        if verb != .hello && verb != .frame && verb != .extFrame { packet = packet.compressed() }
        let wireID = transmit(packet, to: peer, encrypt: encrypt, via: endpoint, now: now)
        if expectReply { expectedReplies[wireID] = (verb, now) }
        return wireID
    }

    /// Armors, fragments and emits a packet on the best way to `peer`: a given endpoint, its freshest
    /// direct path, or else through a root. Returns the packet ID the armored packet carries.
    ///
    /// The suite is ZeroTier One 1.14's choice: an encrypted packet goes out as AES-GMAC-SIV (suite 3) when
    /// the peer's last HELLO or OK(HELLO) announced protocol 12 or later, else as Salsa20/12-Poly1305
    /// (suite 1); a packet sent unencrypted (HELLO) is Poly1305 only (suite 0) whatever the peer speaks.
    /// Fragments are slices of the armored packet, so they need no suite of their own. A node configured
    /// to announce less than 12 claims not to know suite 3 and never sends it.
    @discardableResult
    func transmit(_ packet: Packet, to peer: Peer, encrypt: Bool, via endpoint: InetEndpoint? = nil,
                  cryptedTail: Int = 0, now: Int64) -> UInt64 {
        var packet = packet
        fragmenter.prepare(&packet)
        return transmit(wire: packet.encoded(), to: peer, encrypt: encrypt, via: endpoint, cryptedTail: cryptedTail, now: now)
    }

    /// `transmit(_:…)` for a packet already in wire form, its fragmented flag set for its length; armored in place.
    @discardableResult
    func transmit(wire: consuming [UInt8], to peer: Peer, encrypt: Bool, via endpoint: InetEndpoint? = nil,
                  cryptedTail: Int = 0, now: Int64) -> UInt64 {
        var bytes = consume wire
        if cryptedTail > 0 {
            _ = PacketArmor.cryptField(&bytes, key: peer.key, range: (bytes.count - cryptedTail)..<bytes.count)
        }
        if !(encrypt && sendsAESGMACSIV(to: peer) && PacketArmor.armor(&bytes, keys: peer.aesKeys)) {
            PacketArmor.armor(&bytes, key: peer.key, encryptPayload: encrypt)
        }
        let wireID = PacketHeader(wire: bytes).packetID
        guard let target = endpoint ?? peer.bestPath(now: now)?.endpoint ?? relayEndpoint(now: now) else {
            counters.drop(.noRoute)
            return wireID
        }
        guard let datagrams = try? fragmenter.split(consume bytes) else {
            counters.drop(.badPayload)
            return wireID
        }
        for datagram in datagrams { emit(datagram, to: target) }
        peer.noteSent(on: target, now: now)
        return wireID
    }

    /// Whether encrypted packets to `peer` are sealed with suite 3 (see `transmit`).
    func sendsAESGMACSIV(to peer: Peer) -> Bool {
        configuration.protocolVersion >= ProtocolLimits.aesGmacSivProtocolVersion && peer.speaksAESGMACSIV
    }

    /// Where to send a packet for a peer we have no direct path to: the freshest root path, else the first
    /// stable endpoint of the first other root.
    func relayEndpoint(now: Int64) -> InetEndpoint? {
        let roots = peers.values.filter(\.isRoot)
        if let live = roots.compactMap({ $0.bestPath(now: now) }).max(by: { $0.lastReceive < $1.lastReceive }) {
            return live.endpoint
        }
        return planet.roots.first { $0.address != address }?.stableEndpoints.first
    }

    func emit(_ datagram: [UInt8], to endpoint: InetEndpoint, ttl: UInt8? = nil) {
        outputs.append(.datagram(datagram, to: endpoint, ttl: ttl))
        counters.datagramsSent += 1
    }

    /// HELLO: authenticated but not encrypted, so a peer that does not know us yet can read our identity.
    func sendHello(to peer: Peer, at endpoint: InetEndpoint?, now: Int64) {
        let tail: [UInt8] = [0, 0]  // no moons; ZeroTier enciphers this part with the peer key
        let hello = HelloMessage(
            protocolVersion: configuration.protocolVersion, version: configuration.softwareVersion, timestamp: UInt64(now),
            identity: identity, destination: endpoint, planet: .init(id: planet.id, timestamp: planet.timestamp),
            encryptedTail: tail
        )
        let packet = Packet(header: PacketHeader(packetID: randomPacketID(), destination: peer.address, source: address,
                                                 cipher: .poly1305None, verb: .hello),
                            payload: hello.encoded())
        peer.lastHelloSent = now
        let wireID = transmit(packet, to: peer, encrypt: false, via: endpoint, cryptedTail: tail.count, now: now)
        expectedReplies[wireID] = (.hello, now)
    }

    func reply(_ body: OKMessage.Body, to header: PacketHeader, peer: Peer, from endpoint: InetEndpoint, now: Int64) {
        let ok = OKMessage(inRePacketID: header.packetID, body: body)
        send(.ok, ok.encoded(), to: peer.address, via: header.flags.hops == 0 ? endpoint : nil, now: now)
    }

    func replyError(_ code: ErrorCode, payload: ErrorMessage.Payload = .none, to header: PacketHeader, verb: Verb,
                    peer: Peer, from endpoint: InetEndpoint, now: Int64) {
        let error = ErrorMessage(inReVerb: verb, inRePacketID: header.packetID, code: code, payload: payload)
        send(.error, error.encoded(), to: peer.address, via: header.flags.hops == 0 ? endpoint : nil, now: now)
    }

    /// Sends WHOIS to a root for every identity we are waiting on and may ask about again.
    func requestIdentities(now: Int64) {
        let due = identityWait.due(now: now)
        guard !due.isEmpty else { return }
        guard let root = peers.values.filter(\.isRoot).max(by: { $0.lastReceive < $1.lastReceive }) else { return }
        for address in due { identityWait.noteRequested(address, now: now) }
        for chunk in stride(from: 0, to: due.count, by: 64).map({ Array(due[$0..<min($0 + 64, due.count)]) }) {
            send(.whois, WhoisMessage(addresses: chunk).encoded(), to: root.address, expectReply: true, now: now)
        }
    }
}
