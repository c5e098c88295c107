extension Node {
    /// Periodic work: HELLO to roots and peers, WHOIS retries, expiry of paths, fragments and waits.
    /// Returns when it wants to be called next (never later than `NodeTiming.tick` from now).
    @discardableResult
    public func processBackgroundTasks(now: Int64) -> Int64 {
        greetRoots(now: now)
        for peer in peers.values where !peer.isRoot {
            peer.expirePaths(now: now)
            for endpoint in peer.takeHeartbeats(now: now) { sendHello(to: peer, at: endpoint, now: now) }
            guard let path = peer.bestPath(now: now) else { continue }
            if now - peer.lastHelloSent >= NodeTiming.peerPing { sendHello(to: peer, at: path.endpoint, now: now) }
        }
        for peer in peers.values where peer.isRoot { peer.expirePaths(now: now) }
        networkTasks(now: now)
        requestIdentities(now: now)
        let abandoned = identityWait.expire(now: now)
        if abandoned > 0 { counters.dropped[.identityTimeout, default: 0] += abandoned }
        reassembler.expire(now: now)
        expectedReplies = expectedReplies.filter { now - $0.value.sent < NodeTiming.replyWindow }
        lastIntroduction = lastIntroduction.filter { now - $0.value < NodeTiming.uniteInterval }
        pendingMulticast.removeAll { $0.expires <= now }
        // Rebuilding the subscription table is the costliest background step and entries live 10 minutes:
        // sweeping every 10 s is plenty.
        if now - lastSubscriptionSweep >= 10_000 {
            subscriptions.expire(now: now)
            lastSubscriptionSweep = now
        }
        if now - lastGroupAnnouncement >= Self.groupAnnouncementInterval { announceAllGroups(now: now) }
        forgetIdlePeers(now: now)
        var next = now + NodeTiming.tick
        if let deadline = identityWait.nextDeadline { next = min(next, max(now + 1, deadline)) }
        return next
    }

    /// Roots that have not answered are greeted at every stable endpoint each `rootRetry`; answering ones
    /// every `rootPing` on their live path.
    private func greetRoots(now: Int64) {
        for root in planet.roots where root.address != address {
            guard let peer = peers[root.address] else { continue }
            let answering = peer.lastReceive > 0 && now - peer.lastReceive < NodeTiming.onlineWindow
            let interval = answering ? NodeTiming.rootPing : NodeTiming.rootRetry
            guard now - peer.lastHelloSent >= interval else { continue }
            if answering, let path = peer.bestPath(now: now) {
                sendHello(to: peer, at: path.endpoint, now: now)
            } else {
                for endpoint in root.stableEndpoints { sendHello(to: peer, at: endpoint, now: now) }
            }
        }
    }

    private func forgetIdlePeers(now: Int64) {
        let idle = peers.values.filter { !$0.isRoot && now - max($0.lastReceive, $0.lastHelloSent) > NodeTiming.peerIdleExpiration }
        for peer in idle { peers[peer.address] = nil }
    }
}
