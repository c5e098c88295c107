/// What the node did with one received datagram.
public enum DecodeOutcome: Hashable, Sendable {
    case handled
    /// Kept until the sender's identity arrives (a WHOIS is out for it).
    case awaitingIdentity(Address)
    /// Part of a fragmented packet; the rest has not arrived yet.
    case pendingFragments
    case relayed
    case dropped(DropReason)
}
