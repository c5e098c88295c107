/// What a faulty underlay does to datagrams, each fault in a given proportion: the model behind the test-only
/// `NETCON_TEST_UNDERLAY_FAULTS` option of `netcon run` and the benchmark's kernel reference, so both meet the
/// same faults.
///
/// Text form (also what `description` prints): comma-separated `name=value`, any subset, e.g.
/// `loss=0.05,duplicate=0.02,reorder=0.1,corrupt=0.01,delay-ms=2,seed=7`.
/// - loss: drop the datagram
/// - duplicate: deliver it twice
/// - reorder: deliver it `delay-ms` late, so the datagrams behind it overtake it
/// - corrupt: flip one bit of it
/// - delay-ms: how late a reordered datagram arrives (default 2 ms)
/// - jitter-ms: every datagram arrives up to this many ms late, uniformly (so datagrams overtake each other too)
/// - outage: the path is down (every datagram lost) for this proportion of each `outage-period-ms` (default
///   10000), at its start: a path that flaps
/// - seed: the pseudo-random sequence (default 1): the same seed and traffic give the same faults
public struct UnderlayFaults: Sendable, Hashable, CustomStringConvertible {
    public var loss: Double
    public var duplicate: Double
    public var reorder: Double
    public var corrupt: Double
    public var reorderDelayMilliseconds: Int
    public var jitterMilliseconds: Int
    public var outage: Double
    public var outagePeriodMilliseconds: Int
    public var seed: UInt64

    public init(loss: Double = 0, duplicate: Double = 0, reorder: Double = 0, corrupt: Double = 0,
                reorderDelayMilliseconds: Int = 2, jitterMilliseconds: Int = 0, outage: Double = 0,
                outagePeriodMilliseconds: Int = 10_000, seed: UInt64 = 1) {
        self.loss = loss
        self.duplicate = duplicate
        self.reorder = reorder
        self.corrupt = corrupt
        self.reorderDelayMilliseconds = reorderDelayMilliseconds
        self.jitterMilliseconds = jitterMilliseconds
        self.outage = outage
        self.outagePeriodMilliseconds = outagePeriodMilliseconds
        self.seed = seed
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case unknownName(String)
        case outOfRange(String)

        public var description: String {
            switch self {
            case .malformed(let item): "'\(item)' is not name=value"
            case .unknownName(let name):
                "unknown fault '\(name)' (loss, duplicate, reorder, corrupt, delay-ms, jitter-ms, outage, outage-period-ms, seed)"
            case .outOfRange(let item):
                "'\(item)' is out of range (proportions 0…1, delay-ms and jitter-ms 0…10000, outage-period-ms 1…3600000)"
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        self.init()
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw .malformed(String(item)) }
            let name = parts[0].trimmingSpaces, value = parts[1].trimmingSpaces
            switch name {
            case "loss", "duplicate", "reorder", "corrupt", "outage":
                guard let proportion = Double(value), (0...1).contains(proportion) else { throw .outOfRange(String(item)) }
                switch name {
                case "loss": loss = proportion
                case "duplicate": duplicate = proportion
                case "reorder": reorder = proportion
                case "outage": outage = proportion
                default: corrupt = proportion
                }
            case "delay-ms", "jitter-ms":
                guard let delay = Int(value), (0...10_000).contains(delay) else { throw .outOfRange(String(item)) }
                if name == "delay-ms" { reorderDelayMilliseconds = delay } else { jitterMilliseconds = delay }
            case "outage-period-ms":
                guard let period = Int(value), (1...3_600_000).contains(period) else { throw .outOfRange(String(item)) }
                outagePeriodMilliseconds = period
            case "seed":
                guard let seed = UInt64(value) else { throw .outOfRange(String(item)) }
                self.seed = seed
            default:
                throw .unknownName(name)
            }
        }
    }

    public var description: String {
        "loss=\(loss),duplicate=\(duplicate),reorder=\(reorder),corrupt=\(corrupt),delay-ms=\(reorderDelayMilliseconds),"
            + "jitter-ms=\(jitterMilliseconds),outage=\(outage),outage-period-ms=\(outagePeriodMilliseconds),seed=\(seed)"
    }

    /// True when no datagram is ever touched.
    public var isNone: Bool { loss == 0 && duplicate == 0 && reorder == 0 && corrupt == 0 && jitterMilliseconds == 0 && outage == 0 }
}

/// What happens to one datagram.
public struct DatagramFate: Sendable, Hashable {
    /// 0 (lost), 1, or 2 (duplicated).
    public var copies: Int
    /// Deliver `reorderDelayMilliseconds` late.
    public var delayed: Bool
    /// Flip this bit (index into the datagram's bits) of every copy.
    public var corruptedBit: Int?
    /// How late every copy arrives in all: the reorder delay when `delayed`, plus the jitter.
    public var delayMilliseconds: Int = 0

    public static let lost = DatagramFate(copies: 0, delayed: false, corruptedBit: nil)
}

/// Draws each datagram's fate from `UnderlayFaults` with its own pseudo-random sequence (SplitMix64).
public struct FaultInjector: Sendable {
    public let faults: UnderlayFaults
    private var state: UInt64

    public init(_ faults: UnderlayFaults) {
        self.faults = faults
        state = faults.seed
    }

    /// The fate of a datagram of `length` bytes arriving at `now` (ms, any clock: outages only use it).
    /// `fragments` > 1 models a packet that travels as that many datagrams of which any one lost loses it all
    /// (a kernel packet measured against ZeroTier's fragmenting).
    public mutating func fate(length: Int, fragments: Int = 1, now: Int64 = 0) -> DatagramFate {
        if faults.outage > 0 {
            let period = Int64(faults.outagePeriodMilliseconds)
            if Double(now % period) < faults.outage * Double(period) { return .lost }
        }
        for _ in 0..<max(1, fragments) where chance(faults.loss) { return .lost }
        let copies = chance(faults.duplicate) ? 2 : 1
        let delayed = chance(faults.reorder)
        let corrupted = chance(faults.corrupt) && length > 0 ? Int(next() % UInt64(length * 8)) : nil
        var fate = DatagramFate(copies: copies, delayed: delayed, corruptedBit: corrupted)
        let jitter = faults.jitterMilliseconds > 0 ? Int(next() % UInt64(faults.jitterMilliseconds + 1)) : 0
        fate.delayMilliseconds = (delayed ? faults.reorderDelayMilliseconds : 0) + jitter
        return fate
    }

    private mutating func chance(_ proportion: Double) -> Bool {
        guard proportion > 0 else { return false }
        return Double(next() >> 11) * 0x1p-53 < proportion
    }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
