extension Node {
    func dispatch(_ verb: Verb, _ packet: Packet, peer: Peer, from endpoint: InetEndpoint, now: Int64) -> DecodeOutcome {
        do {
            switch verb {
            case .nop:
                break
            case .hello:
                try handleHello(HelloMessage(payload: packet.payload), header: packet.header, peer: peer, from: endpoint, now: now)
            case .ok:
                return try handleOK(OKMessage(payload: packet.payload), header: packet.header, peer: peer, from: endpoint, now: now)
            case .error:
                return try handleError(ErrorMessage(payload: packet.payload), peer: peer, now: now)
            case .whois:
                try handleWhois(WhoisMessage(payload: packet.payload), header: packet.header, peer: peer, from: endpoint, now: now)
            case .rendezvous:
                try handleRendezvous(RendezvousMessage(payload: packet.payload), peer: peer, now: now)
            case .echo:
                let echo = try EchoMessage(payload: packet.payload)
                reply(.echo(echo.data), to: packet.header, peer: peer, from: endpoint, now: now)
            case .pushDirectPaths:
                try handlePushDirectPaths(PushDirectPathsMessage(payload: packet.payload), peer: peer, now: now)
            case .networkCredentials:
                receiveCredentials(try NetworkCredentialsMessage(payload: packet.payload), from: peer, now: now)
            case .frame:
                let frame = try FrameMessage(payload: packet.payload)
                deliver(network: frame.network, sender: peer.address, header: packet.header, from: endpoint, now: now,
                        source: MAC(address: peer.address, network: frame.network),
                        destination: MAC(address: address, network: frame.network), etherType: frame.etherType, payload: frame.payload[...])
            case .extFrame:
                let frame = try ExtFrameMessage(payload: packet.payload)
                if let certificate = frame.certificate { receiveCredentials(NetworkCredentialsMessage(certificatesOfMembership: [certificate]), from: peer, now: now) }
                deliver(network: frame.network, sender: peer.address, header: packet.header, from: endpoint, now: now, source: frame.sourceMAC, destination: frame.destinationMAC,
                        etherType: frame.etherType, payload: frame.payload[...])
            case .multicastLike:
                for like in try MulticastLikeMessage(payload: packet.payload).likes {
                    subscriptions.add(peer.address, to: like.group, on: like.network, now: now)
                }
            case .multicastGather:
                try handleGather(MulticastGatherMessage(payload: packet.payload), header: packet.header, peer: peer, from: endpoint, now: now)
            case .multicastFrame:
                let frame = try MulticastFrameMessage(payload: packet.payload)
                if let certificate = frame.certificate { receiveCredentials(NetworkCredentialsMessage(certificatesOfMembership: [certificate]), from: peer, now: now) }
                deliver(network: frame.network, sender: peer.address, header: packet.header, from: endpoint, now: now,
                        source: frame.sourceMAC ?? MAC(address: peer.address, network: frame.network),
                        destination: frame.group.mac, etherType: frame.etherType, payload: frame.payload[...])
            case .networkConfigRequest:
                try handleConfigRequest(NetworkConfigRequestMessage(payload: packet.payload), header: packet.header, peer: peer,
                                        from: endpoint, now: now)
            case .networkConfig:
                let message = try NetworkConfigMessage(payload: packet.payload)
                receiveConfigChunk(message.chunk, from: peer, pushedIn: packet.header.packetID, now: now)
            default:
                // Credentials and the rest belong to the network layer.
                networkMessages.append((verb, packet, peer.address))
            }
        } catch {
            return drop(.badPayload)
        }
        return .handled
    }

    private func handleHello(_ hello: HelloMessage, header: PacketHeader, peer: Peer, from endpoint: InetEndpoint, now: Int64) {
        guard hello.identity == peer.identity else {
            // Same address, different key: an address collision or a forgery. The MAC already failed or
            // passed under the known key, so this can only be a confused peer; ignore it.
            counters.drop(.identityMismatch)
            return
        }
        // A peer on an older version of our planet gets the current one with the answer.
        var updates = [World]()
        if let theirs = hello.planet, theirs.id == planet.id, theirs.timestamp < planet.timestamp { updates.append(planet) }
        let answer = HelloReply(
            timestamp: hello.timestamp, protocolVersion: configuration.protocolVersion, version: configuration.softwareVersion,
            observedAddress: header.flags.hops == 0 ? endpoint : nil, worldUpdates: updates
        )
        // The answer's suite follows what the peer had announced before this HELLO (ZeroTier One 1.14 armors
        // OK(HELLO) first and records the new version after), so a first OK(HELLO) is always suite 1.
        reply(.hello(answer), to: header, peer: peer, from: endpoint, now: now)
        peer.remoteVersion = RemoteVersion(protocolVersion: hello.protocolVersion, software: hello.version)
    }

    private func handleOK(_ ok: OKMessage, header: PacketHeader, peer: Peer, from endpoint: InetEndpoint, now: Int64) -> DecodeOutcome {
        if ok.configAcknowledgement != nil && expectedReplies[ok.inRePacketID] == nil { return .handled }
        // Config replies come in several chunks, all answering the same request.
        let expected = ok.inReVerb == .networkConfigRequest ? expectedReplies[ok.inRePacketID] : expectedReplies.removeValue(forKey: ok.inRePacketID)
        guard let expected, expected.verb == ok.inReVerb else { return drop(.unexpectedReply) }
        let roundTrip = max(0, now - expected.sent)
        switch ok.body {
        case .hello(let answer):
            peer.remoteVersion = RemoteVersion(protocolVersion: answer.protocolVersion, software: answer.version)
            if peer.isRoot, let worlds = try? answer.worldUpdates() {
                for world in worlds { _ = acceptWorldUpdate(world) }
            }
            if header.flags.hops == 0 {
                peer.confirmPath(endpoint, now: now)
                peer.recordLatency(Int(roundTrip), on: endpoint)
            }
        case .whois(let answer):
            guard peer.isRoot else { return drop(.unexpectedReply) }
            learn(answer.identities, now: now)
        case .echo:
            outputs.append(.echoReply(EchoResult(peer: peer.address, packetID: ok.inRePacketID, roundTripMilliseconds: roundTrip,
                                                 direct: header.flags.hops == 0)))
        case .networkConfigRequest(let chunk):
            receiveConfigChunk(chunk, from: peer, pushedIn: nil, now: now)
        case .multicastGather(let answer):
            for member in answer.results.members where member != address {
                subscriptions.add(member, to: answer.group, on: answer.network, now: now)
            }
            flushPendingMulticast(network: answer.network, group: answer.group, now: now)
        default:
            networkMessages.append((.ok, Packet(header: header, payload: ok.encoded()), peer.address))
        }
        return .handled
    }

    private func handleError(_ error: ErrorMessage, peer: Peer, now: Int64) -> DecodeOutcome {
        guard expectedReplies[error.inRePacketID] != nil || error.inReVerb != .hello else { return drop(.unexpectedReply) }
        var network: NetworkID?
        switch error.payload {
        case .network(let id, _): network = id
        case .unwantedMulticast(let id, _): network = id
        default: break
        }
        if error.inReVerb == .networkConfigRequest, let network { configRefused(network, code: error.code, by: peer.address) }
        if error.code == .needMembershipCertificate, let network, let membership = memberships[network] {
            presentCertificate(on: membership, to: peer.address, now: now, force: true)
        }
        outputs.append(.peerError(PeerError(peer: peer.address, inReVerb: error.inReVerb, code: error.code, network: network)))
        return .handled
    }

    private func handleWhois(_ whois: WhoisMessage, header: PacketHeader, peer: Peer, from endpoint: InetEndpoint, now: Int64) {
        var known = [Identity]()
        for target in whois.addresses.prefix(128) {
            if target == address {
                known.append(identity.publicOnly)
            } else if let found = peers[target] {
                known.append(found.identity)
            }
            // Unknown addresses get no answer, as from a ZeroTier root without an upstream: the asker retries.
        }
        if !known.isEmpty { reply(.whois(WhoisReply(identities: known)), to: header, peer: peer, from: endpoint, now: now) }
    }

    /// A root tells us where another peer can be reached directly: punch and greet.
    private func handleRendezvous(_ rendezvous: RendezvousMessage, peer: Peer, now: Int64) {
        guard peer.isRoot, rendezvous.peer != address else { return }
        guard let other = peers[rendezvous.peer] else {
            // Introduced before we know who it is: greet it once WHOIS brings its identity.
            if identityWait.admit(rendezvous.peer, now: now) {
                identityWait.holdRendezvous(rendezvous.endpoint, for: rendezvous.peer)
                requestIdentities(now: now)
            }
            return
        }
        guard !other.isRoot else { return }
        emit([0, 0, 0, 0], to: rendezvous.endpoint, ttl: 2)
        sendHello(to: other, at: rendezvous.endpoint, now: now)
    }

    private func handlePushDirectPaths(_ push: PushDirectPathsMessage, peer: Peer, now: Int64) {
        for path in push.paths.prefix(8) {
            guard path.flags & PushDirectPathsMessage.Path.forgetFlag == 0, let endpoint = path.endpoint,
                  !peer.hasPath(endpoint) else { continue }
            sendHello(to: peer, at: endpoint, now: now)
        }
    }

    private func handleGather(_ gather: MulticastGatherMessage, header: PacketHeader, peer: Peer, from endpoint: InetEndpoint, now: Int64) {
        var known = subscriptions.members(of: gather.group, on: gather.network, now: now).filter { $0 != peer.address && $0 != address }
        // A root that is a member of the network itself (a controller answering its names) is in the group too.
        if localGroups[gather.network]?.contains(gather.group) == true { known.insert(address, at: 0) }
        let limit = Int(min(gather.gatherLimit, 256))
        guard limit > 0 else { return }
        let answer = MulticastGatherReply(
            network: gather.network, group: gather.group,
            results: MulticastGatherResults(totalKnown: UInt32(known.count), members: Array(known.prefix(limit)))
        )
        reply(.multicastGather(answer), to: header, peer: peer, from: endpoint, now: now)
    }

    /// A FRAME (uncompressed) in a whole dearmored packet, its Ethernet payload passed on as a slice of it.
    func receiveFrame(_ bytes: [UInt8], header: PacketHeader, peer: Peer, from endpoint: InetEndpoint, now: Int64) -> DecodeOutcome {
        guard let frame = try? FrameMessage.layout(inPacket: bytes) else { return drop(.badPayload) }
        deliver(network: frame.network, sender: peer.address, header: header, from: endpoint, now: now,
                source: MAC(address: peer.address, network: frame.network),
                destination: MAC(address: address, network: frame.network), etherType: frame.etherType, payload: bytes[frame.payload])
        return .handled
    }

    private func deliver(network: NetworkID, sender: Address, header: PacketHeader, from endpoint: InetEndpoint, now: Int64,
                         source: MAC, destination: MAC, etherType: UInt16, payload: ArraySlice<UInt8>) {
        guard let membership = memberships[network] else {
            counters.drop(.notMember)
            return
        }
        // Without a config (tests and harnesses that join directly) frames pass; with one, the rules apply.
        if membership.config != nil && !admits(sender, on: membership, now: now) {
            counters.drop(.noCertificate)
            // Ask for the certificate (rate-limited); the sender pushes it and retransmits at its own pace.
            if let peer = peers[sender], now - (membership.certificateRequests[sender] ?? 0) >= 1_000 {
                membership.certificateRequests[sender] = now
                replyError(.needMembershipCertificate, payload: .network(network, details: nil), to: header, verb: header.verb ?? .frame,
                           peer: peer, from: endpoint, now: now)
            }
            return
        }
        // Only an active bridge may send frames from MACs other than its own (ZeroTier's rule).
        if let config = membership.config, source != MAC(address: sender, network: network), !config.activeBridges.contains(sender) {
            counters.drop(.bridgingNotAllowed)
            return
        }
        outputs.append(.frame(ReceivedFrame(network: network, sender: sender, source: source, destination: destination,
                                            etherType: etherType, payload: payload)))
    }
}
