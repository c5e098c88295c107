/// A multicast frame waiting for OK(MULTICAST_GATHER) to tell us who else wants it.
struct PendingMulticast {
    var network: NetworkID
    var group: MulticastGroup
    var message: MulticastFrameMessage
    var alreadySent: Set<Address>
    var expires: Int64
}

extension Node {
    static let multicastLimit = 32
    static let pendingMulticastLimit = 64
    static let groupAnnouncementInterval: Int64 = 60_000

    /// Sends an Ethernet frame from this node's port on `network`: unicast to the peer owning the
    /// destination MAC, or multicast to the group's known members (gathering more from the roots).
    public func sendFrame(network: NetworkID, source: MAC, destination: MAC, etherType: UInt16, payload: [UInt8],
                          multicastADI: UInt32 = 0, now: Int64) {
        sendFrame(network: network, source: source, destination: destination, etherType: etherType, payload: payload[...],
                  multicastADI: multicastADI, now: now)
    }

    /// `sendFrame` for a payload that is a slice of the frame lwIP produced (no copy before the packet's own).
    public func sendFrame(network: NetworkID, source: MAC, destination: MAC, etherType: UInt16, payload: ArraySlice<UInt8>,
                          multicastADI: UInt32 = 0, now: Int64) {
        if destination.isMulticast {
            sendMulticast(network: network, group: MulticastGroup(mac: destination, adi: multicastADI), source: source,
                          etherType: etherType, payload: Array(payload), now: now)
            return
        }
        let recipient = destination.address(on: network)
        guard recipient != address, !recipient.isReserved else { return }
        if let membership = memberships[network] { presentCertificate(on: membership, to: recipient, now: now) }
        if source == MAC(address: address, network: network) {
            if let peer = peers[recipient] {
                sendFrame(to: peer, network: network, etherType: etherType, payload: payload, now: now)
            } else {
                send(.frame, FrameMessage(network: network, etherType: etherType, payload: Array(payload)).encoded(), to: recipient, now: now)
            }
        } else {
            let frame = ExtFrameMessage(network: network, destinationMAC: destination, sourceMAC: source, etherType: etherType,
                                        payload: Array(payload))
            send(.extFrame, frame.encoded(), to: recipient, now: now)
        }
    }

    /// A FRAME to a known peer, written once in wire form and armored in place (what `send` does in three copies).
    private func sendFrame(to peer: Peer, network: NetworkID, etherType: UInt16, payload: ArraySlice<UInt8>, now: Int64) {
        let length = PacketHeader.size + FrameMessage.fieldsLength + payload.count
        var header = PacketHeader(packetID: randomPacketID(), destination: peer.address, source: address, cipher: .salsa2012Poly1305, verb: .frame)
        header.flags.isFragmented = fragmenter.needsFragmentation(packetLength: length)
        var writer = ByteWriter(capacity: length)
        header.write(to: &writer)
        FrameMessage.encode(network: network, etherType: etherType, payload: payload, to: &writer)
        transmit(wire: writer.bytes, to: peer, encrypt: true, now: now)
    }

    /// Subscribes this node to a multicast group on a network (announced to the roots now and periodically).
    public func subscribe(_ group: MulticastGroup, on network: NetworkID, now: Int64) {
        guard localGroups[network, default: []].insert(group).inserted else { return }
        announceGroups([MulticastLikeMessage.Like(network: network, group: group)], now: now)
    }

    public func unsubscribeAll(on network: NetworkID) {
        localGroups[network] = nil
    }

    func announceAllGroups(now: Int64) {
        let likes = localGroups.flatMap { network, groups in groups.map { MulticastLikeMessage.Like(network: network, group: $0) } }
        if !likes.isEmpty { announceGroups(likes, now: now) }
        lastGroupAnnouncement = now
    }

    private func announceGroups(_ likes: [MulticastLikeMessage.Like], now: Int64) {
        let roots = peers.values.filter(\.isRoot).map(\.address)
        for chunk in stride(from: 0, to: likes.count, by: 64).map({ Array(likes[$0..<min($0 + 64, likes.count)]) }) {
            let payload = MulticastLikeMessage(likes: chunk).encoded()
            for root in roots { send(.multicastLike, payload, to: root, now: now) }
        }
    }

    private func sendMulticast(network: NetworkID, group: MulticastGroup, source: MAC, etherType: UInt16, payload: [UInt8], now: Int64) {
        let ownMAC = MAC(address: address, network: network)
        let message = MulticastFrameMessage(
            network: network, flags: source == ownMAC ? 0 : 0x04, sourceMAC: source == ownMAC ? nil : source,
            group: group, etherType: etherType, payload: payload
        )
        let known = subscriptions.members(of: group, on: network, now: now).filter { $0 != address }
        let recipients = Array(known.prefix(Self.multicastLimit))
        for member in recipients {
            if let membership = memberships[network] { presentCertificate(on: membership, to: member, now: now) }
            send(.multicastFrame, message.encoded(), to: member, now: now)
        }
        guard recipients.count < Self.multicastLimit else { return }
        // Ask the roots who else is in the group and send to them once they answer.
        let gather = MulticastGatherMessage(network: network, group: group, gatherLimit: UInt32(Self.multicastLimit))
        for root in peers.values.filter(\.isRoot) {
            send(.multicastGather, gather.encoded(), to: root.address, expectReply: true, now: now)
        }
        if pendingMulticast.count >= Self.pendingMulticastLimit { pendingMulticast.removeFirst() }
        pendingMulticast.append(PendingMulticast(network: network, group: group, message: message, alreadySent: Set(recipients),
                                                 expires: now + NodeTiming.identityWait))
    }

    func flushPendingMulticast(network: NetworkID, group: MulticastGroup, now: Int64) {
        let members = subscriptions.members(of: group, on: network, now: now).filter { $0 != address }
        for index in pendingMulticast.indices where pendingMulticast[index].network == network && pendingMulticast[index].group == group {
            for member in members.prefix(Self.multicastLimit) where !pendingMulticast[index].alreadySent.contains(member) {
                pendingMulticast[index].alreadySent.insert(member)
                if let membership = memberships[network] { presentCertificate(on: membership, to: member, now: now) }
                send(.multicastFrame, pendingMulticast[index].message.encoded(), to: member, now: now)
            }
        }
    }

    /// Messages for the network layer (NETWORK_CONFIG, OK(NETWORK_CONFIG_REQUEST), credentials…).
    public func drainNetworkMessages() -> [(verb: Verb, packet: Packet, peer: Address)] {
        defer { networkMessages.removeAll() }
        return networkMessages
    }
}
