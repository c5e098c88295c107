extension Node {
    /// Answers a member's NETWORK_CONFIG_REQUEST for a network this node controls.
    func handleConfigRequest(_ request: NetworkConfigRequestMessage, header: PacketHeader, peer: Peer, from endpoint: InetEndpoint, now: Int64) {
        guard request.network.controller == address, controller != nil else {
            // Not ours: ZeroTier answers OBJ_NOT_FOUND, so the member stops asking us.
            replyError(.objectNotFound, payload: .network(request.network, details: nil), to: header, verb: .networkConfigRequest,
                       peer: peer, from: endpoint, now: now)
            return
        }
        guard let answer = controllerAnswer(for: request.network, requester: peer.identity, metadata: request.metadata, now: now) else {
            let code: ErrorCode = controller?.store.network(request.network) == nil ? .objectNotFound : .networkAccessDenied
            replyError(code, payload: .network(request.network, details: nil), to: header, verb: .networkConfigRequest,
                       peer: peer, from: endpoint, now: now)
            return
        }
        sendConfig(answer.dictionary, network: request.network, to: peer, inRe: header.packetID, from: header.flags.hops == 0 ? endpoint : nil, now: now)
    }

    /// The controller's answer as a config and its dictionary, or nil when it refuses.
    func controllerAnswer(for network: NetworkID, requester: Identity, metadata: [UInt8], now: Int64) -> (config: NetworkConfig, dictionary: [UInt8])? {
        guard let controller else { return nil }
        let parsed = metadata.isEmpty ? nil : try? NetworkConfigRequestMetadata(decoding: metadata)
        guard case .config(let config) = controller.answer(network: network, member: requester, metadata: parsed, now: now),
              let dictionary = try? config.encoded() else { return nil }
        return (config, dictionary)
    }

    /// Sends a config in signed chunks: as OK replies to a request, or as NETWORK_CONFIG pushes.
    func sendConfig(_ dictionary: [UInt8], network: NetworkID, to peer: Peer, inRe packetID: UInt64?, from endpoint: InetEndpoint?, now: Int64) {
        guard let chunks = NetworkConfigChunker.chunks(of: dictionary, network: network, updateID: randomPacketID(), signedBy: identity) else { return }
        for chunk in chunks {
            if let packetID {
                let ok = OKMessage(inRePacketID: packetID, body: .networkConfigRequest(chunk))
                send(.ok, ok.encoded(), to: peer.address, via: endpoint, now: now)
            } else {
                send(.networkConfig, NetworkConfigMessage(chunk: chunk).encoded(), to: peer.address, now: now)
            }
        }
    }

    /// After the operator changed a network (authorized a member, pinned an address…), pushes the new
    /// answer to every member that asked recently: a fresh config, or ACCESS_DENIED for a revoked one.
    public func controllerChanged(_ network: NetworkID, now: Int64) {
        guard let controller else { return }
        // Members revoked within a certificate's lifetime: everyone else is told to stop accepting them.
        let revocations = controller.store.members(of: network)
            .filter { !$0.authorized && $0.lastDeauthorizedTime > 0 && now - $0.lastDeauthorizedTime < NetworkController.credentialTimeMaxDelta }
            .compactMap { Revocation.issue(network: network, target: $0.address, threshold: $0.lastDeauthorizedTime,
                                           id: UInt32(truncatingIfNeeded: randomPacketID()), signedBy: identity) }
        if let membership = memberships[network] {
            for revocation in revocations {
                membership.revocations[revocation.target] = max(membership.revocations[revocation.target] ?? 0, Int64(clamping: revocation.threshold))
            }
        }
        for member in controller.membersToNotify(of: network, now: now) {
            if !revocations.isEmpty && member != address {
                let credentials = NetworkCredentialsMessage(certificatesOfMembership: [], revocations: revocations)
                send(.networkCredentials, credentials.encoded(), to: member, now: now)
            }
            if member == address {
                if let membership = memberships[network] { requestConfig(membership, now: now) }
                continue
            }
            guard let peer = peers[member] else { continue }
            if let answer = controllerAnswer(for: network, requester: peer.identity, metadata: [], now: now) {
                sendConfig(answer.dictionary, network: network, to: peer, inRe: nil, from: nil, now: now)
            } else {
                let code: ErrorCode = controller.store.network(network) == nil ? .objectNotFound : .networkAccessDenied
                let error = ErrorMessage(inReVerb: .networkConfigRequest, inRePacketID: 0, code: code, payload: .network(network, details: nil))
                send(.error, error.encoded(), to: member, now: now)
            }
        }
    }
}
