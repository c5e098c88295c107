/// One line of `netcon selftest`: what was checked, how long it took, and whether it held.
public struct SelftestCheck: Codable, Sendable, Equatable {
    public var name: String
    public var passed: Bool
    public var milliseconds: Int64
    /// What went wrong, or a short note of what was seen.
    public var detail: String
}

public struct SelftestReport: Codable, Sendable, Equatable {
    public var checks: [SelftestCheck]
    public var passed: Int { checks.filter(\.passed).count }
    public var failed: Int { checks.count - passed }
}
