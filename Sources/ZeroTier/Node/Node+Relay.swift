extension Node {
    /// ZeroTier's relay limit: a packet crosses at most this many relays.
    static let maximumRelayHops: UInt8 = 3

    /// A datagram for another node. Roots forward it to the destination's direct path and introduce the
    /// two ends so they can talk directly; other nodes drop it.
    func relay(_ bytes: [UInt8], to destination: Address, source: Address?, hopsIndex: Int, now: Int64) -> DecodeOutcome {
        guard isRoot else { return drop(.notRelaying) }
        let hops = bytes[hopsIndex] & 0x07
        guard hops < Self.maximumRelayHops else { return drop(.hopLimit) }
        guard let target = peers[destination], let path = target.bestPath(now: now) else { return drop(.noRoute) }
        var forwarded = bytes
        forwarded[hopsIndex] = (forwarded[hopsIndex] & ~0x07) | (hops + 1)
        emit(forwarded, to: path.endpoint)
        target.noteSent(on: path.endpoint, now: now)
        counters.packetsRelayed += 1
        if let source, source != destination, let origin = peers[source] {
            introduce(origin, target, now: now)
        }
        return .relayed
    }

    /// Sends each of two peers a RENDEZVOUS with the other's freshest direct endpoint of the same family.
    private func introduce(_ a: Peer, _ b: Peer, now: Int64) {
        let pair = PeerPair(a.address, b.address)
        if let last = lastIntroduction[pair], now - last < NodeTiming.uniteInterval { return }
        let aPaths = a.paths.filter { $0.isAlive(now: now) }.sorted { $0.lastReceive > $1.lastReceive }
        let bPaths = b.paths.filter { $0.isAlive(now: now) }.sorted { $0.lastReceive > $1.lastReceive }
        for aPath in aPaths {
            guard let bPath = bPaths.first(where: { $0.endpoint.ip.bytes.count == aPath.endpoint.ip.bytes.count }) else { continue }
            lastIntroduction[pair] = now
            send(.rendezvous, RendezvousMessage(peer: b.address, endpoint: bPath.endpoint).encoded(), to: a.address, now: now)
            send(.rendezvous, RendezvousMessage(peer: a.address, endpoint: aPath.endpoint).encoded(), to: b.address, now: now)
            return
        }
    }
}
