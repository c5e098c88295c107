extension Node {
    /// Whether a frame from `sender` may enter `membership`'s network: public networks admit anyone with a
    /// config in hand; private ones need the sender's certificate of membership, unrevoked and agreeing with ours.
    func admits(_ sender: Address, on membership: NetworkMembership, now: Int64) -> Bool {
        guard let config = membership.config else { return false }
        if config.isPublic { return true }
        guard let ours = config.certificateOfMembership, let theirs = membership.certificates[sender],
              let peer = peers[sender] else { return false }
        if let threshold = membership.revocations[sender], Int64(theirs.timestamp ?? 0) <= threshold { return false }
        if let agreed = membership.agreements[sender], agreed.ours == ours, agreed.theirs == theirs { return true }
        guard ours.agrees(with: theirs, presentedBy: peer.identity) else { return false }
        membership.agreements[sender] = (ours, theirs)
        return true
    }

    /// Pushes our certificate of membership to a peer before talking to it on a private network.
    func presentCertificate(on membership: NetworkMembership, to peer: Address, now: Int64, force: Bool = false) {
        guard let config = membership.config, config.isPrivate, let certificate = config.certificateOfMembership else { return }
        if !force, let last = membership.certificatePushes[peer], now - last < Self.certificatePushInterval { return }
        membership.certificatePushes[peer] = now
        send(.networkCredentials, NetworkCredentialsMessage(certificatesOfMembership: [certificate]).encoded(), to: peer, now: now)
    }

    /// Certificates and revocations another node sent us (NETWORK_CREDENTIALS).
    func receiveCredentials(_ credentials: NetworkCredentialsMessage, from peer: Peer, now: Int64) {
        for certificate in credentials.certificatesOfMembership.prefix(16) {
            guard let network = certificate.networkID, let membership = memberships[network],
                  certificate.issuedTo == peer.address, let controller = controllerIdentity(of: network),
                  certificate.isSigned(by: controller) else {
                counters.drop(.invalidCredential)
                continue
            }
            membership.certificates[peer.address] = certificate
        }
        for revocation in credentials.revocations.prefix(64) {
            guard let membership = memberships[revocation.networkID],
                  revocation.credentialType == Revocation.membershipCertificateType,
                  let controller = controllerIdentity(of: revocation.networkID), revocation.isSigned(by: controller) else {
                counters.drop(.invalidCredential)
                continue
            }
            let threshold = Int64(clamping: revocation.threshold)
            membership.revocations[revocation.target] = max(membership.revocations[revocation.target] ?? 0, threshold)
        }
    }

    /// The controller's identity, if we know it (we always do once it has sent us a config).
    func controllerIdentity(of network: NetworkID) -> Identity? {
        network.controller == address ? identity : peers[network.controller]?.identity
    }
}
