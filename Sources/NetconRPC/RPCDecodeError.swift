/// Why bytes received on the RPC socket are not a message. The node answers none of them.
public enum RPCDecodeError: Error, Equatable, Sendable {
    case wrongSize(expected: Int, actual: Int)
    case badMagic(UInt32)
    case unknownOperation(UInt32)
    case badAddressFamily(UInt16)
    case badDomain(UInt16)
    case badValue(String)
}
