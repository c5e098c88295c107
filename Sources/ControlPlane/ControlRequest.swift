import ZeroTier

/// What a CLI client can ask the daemon. Each case is one message with one codec (Codable, below).
public enum ControlRequest: Codable, Sendable, Equatable {
    case status
    case join(NetworkID)
    case leave(NetworkID)
    /// ZeroTier ECHO to a peer: measures the round trip and shows whether it went direct or via a root.
    case ping(Address)
    /// ICMP echo from this node's own stack to an address on one of its networks.
    case ipPing(String)
    // Controller: networks this node controls and their members.
    case networkCreate(NetworkCreation)
    case networkList
    case networkShow(NetworkID)
    case networkDelete(NetworkID)
    case memberList(NetworkID)
    case memberAuthorize(NetworkID, Address, authorized: Bool)
    case memberSetIPs(NetworkID, Address, [String])
    /// A DNS label for the member (empty: none).
    case memberSetName(NetworkID, Address, String)
    /// The network's DNS for its members: a search domain and up to four servers; no domain and no server clear it.
    /// `controllerAnswers`: the controller itself is a member and answers the domain's names (member name or address).
    case networkSetDNS(NetworkID, domain: String, servers: [String], controllerAnswers: Bool)
}
