extension Node {
    /// While no config has arrived the controller is asked this often (ZeroTier waits longer; faster is fine).
    static let configRetryInterval: Int64 = 2_000
    /// A configured network refreshes its config this often (ZeroTier's ZT_NETWORK_AUTOCONF_DELAY).
    static let configRefreshInterval: Int64 = 60_000
    /// A member re-sends its certificate of membership to a peer at most this often.
    static let certificatePushInterval: Int64 = 30_000

    /// Joins a network, starting from a config cached by the host (if it still decodes and is ours).
    public func join(_ network: NetworkID, cachedConfig: [UInt8]? = nil, now: Int64) {
        guard memberships[network] == nil else { return }
        let membership = NetworkMembership(id: network)
        if let cachedConfig, let config = try? NetworkConfig(decoding: cachedConfig),
           config.networkID == network, config.issuedTo == address {
            membership.config = config
            membership.configBytes = cachedConfig
            membership.state = .ok
        }
        memberships[network] = membership
        requestConfig(membership, now: now)
    }

    public func leave(_ network: NetworkID) {
        memberships[network] = nil
        localGroups[network] = nil
    }

    public var joinedNetworks: [NetworkSnapshot] {
        memberships.values.sorted { $0.id < $1.id }.map {
            NetworkSnapshot(id: $0.id, state: $0.state, config: $0.config, mac: MAC(address: address, network: $0.id))
        }
    }

    func requestConfig(_ membership: NetworkMembership, now: Int64) {
        membership.lastRequest = now
        let metadata = (try? NetworkConfigRequestMetadata(softwareVersion: configuration.softwareVersion,
                                                          protocolVersion: configuration.protocolVersion).encoded()) ?? []
        let current = membership.config.map {
            NetworkConfigRequestMessage.CurrentConfig(revision: $0.revision, timestamp: UInt64(max(0, $0.timestamp)))
        } ?? .empty
        let request = NetworkConfigRequestMessage(network: membership.id, metadata: metadata, current: current)
        let controller = membership.id.controller
        if controller == address {
            // We control this network ourselves: answer our own request without the wire.
            if let answer = controllerAnswer(for: membership.id, requester: identity.publicOnly, metadata: metadata, now: now) {
                adopt(answer, membership: membership, now: now)
            }
            return
        }
        send(.networkConfigRequest, request.encoded(), to: controller, expectReply: true, now: now)
    }

    /// Periodic network work: config requests and refreshes.
    func networkTasks(now: Int64) {
        for membership in memberships.values {
            let interval = membership.state == .ok ? Self.configRefreshInterval : Self.configRetryInterval
            if now - membership.lastRequest >= interval { requestConfig(membership, now: now) }
        }
    }

    /// A config chunk from a controller, in NETWORK_CONFIG or OK(NETWORK_CONFIG_REQUEST).
    func receiveConfigChunk(_ chunk: NetworkConfigChunk, from peer: Peer, pushedIn packetID: UInt64?, now: Int64) {
        guard let membership = memberships[chunk.network], chunk.network.controller == peer.address else {
            counters.drop(.notMember)
            return
        }
        var assembler = membership.assembler ?? NetworkConfigAssembler(network: chunk.network, controller: peer.identity)
        let outcome = assembler.add(chunk)
        membership.assembler = assembler
        switch outcome {
        case .complete(let updateID, let dictionary):
            guard let config = try? NetworkConfig(decoding: dictionary), config.networkID == chunk.network, config.issuedTo == address else {
                counters.drop(.badPayload)
                return
            }
            adopt((config, dictionary), membership: membership, now: now)
            if let packetID {
                // A pushed config is acknowledged, as ZeroTier members do (OK with in-re verb ECHO).
                let ack = OKMessage.configAcknowledgement(inRePacketID: packetID, network: chunk.network, updateID: updateID)
                send(.ok, ack.encoded(), to: peer.address, now: now)
            }
        case .rejected:
            counters.drop(.authenticationFailed)
        case .incomplete, .duplicate:
            break
        }
    }

    func adopt(_ answer: (config: NetworkConfig, dictionary: [UInt8]), membership: NetworkMembership, now: Int64) {
        let changed = membership.configBytes != answer.dictionary
        membership.config = answer.config
        membership.configBytes = answer.dictionary
        membership.state = .ok
        if changed { outputs.append(.networkConfigured(membership.id, answer.config, dictionary: answer.dictionary)) }
    }

    /// A controller said no (ERROR in reply to our NETWORK_CONFIG_REQUEST).
    func configRefused(_ network: NetworkID, code: ErrorCode, by peer: Address) {
        guard let membership = memberships[network], network.controller == peer else { return }
        let state: NetworkState
        switch code {
        case .networkAccessDenied: state = .accessDenied
        case .objectNotFound: state = .notFound
        default: return
        }
        guard membership.state != state else { return }
        membership.state = state
        membership.config = nil
        membership.configBytes = nil
        outputs.append(.networkStateChanged(network, state))
    }
}
