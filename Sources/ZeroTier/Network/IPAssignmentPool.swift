/// A range of addresses a controller hands out to members (an entry of ZeroTier's `ipAssignmentPools`:
/// `ipRangeStart`…`ipRangeEnd`). Both ends are of one family; a pool whose ends differ in family is ignored.
public struct IPAssignmentPool: Hashable, Sendable, CustomStringConvertible {
    public var first: IPAddress
    public var last: IPAddress

    public init(first: IPAddress, last: IPAddress) {
        self.first = first
        self.last = last
    }

    public var description: String { "\(first)-\(last)" }
}
