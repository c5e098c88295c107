/// What an incremental decoder made of the bytes received so far: not enough yet, or a value and how many
/// bytes it took (what follows belongs to the next message or to the relayed stream).
public enum Decoded<Value> {
    case incomplete
    case complete(Value, consumed: Int)
}

extension Decoded: Equatable where Value: Equatable {}
extension Decoded: Sendable where Value: Sendable {}
