/// Why an identity could not be built from text or parts. Messages never quote key material.
public enum IdentityError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not `address:type:public[:secret]` (the count of colon-separated fields is off).
    case malformed(fieldCount: Int)
    /// The address field is not 10 hex digits.
    case badAddress
    /// The all-zero address and addresses starting with 0xff are reserved and never belong to a node.
    case reservedAddress(Address)
    /// Only type 0 (C25519) exists in ZeroTier V1.
    case unsupportedType(String)
    /// The public key is not 64 bytes (128 hex digits).
    case badPublicKey(byteCount: Int?)
    /// The secret key is not 64 bytes (128 hex digits).
    case badSecretKey
    /// The secret key does not derive the public key next to it.
    case secretDoesNotMatchPublicKey

    public var description: String {
        switch self {
        case let .malformed(fieldCount):
            "malformed identity: expected address:0:public[:secret], found \(fieldCount) field\(fieldCount == 1 ? "" : "s")"
        case .badAddress:
            "malformed identity: the address must be 10 hex digits"
        case let .reservedAddress(address):
            "identity address \(address) is reserved (all zero or starting with ff)"
        case let .unsupportedType(type):
            "unsupported identity type '\(type)' (only type 0, C25519, exists)"
        case let .badPublicKey(byteCount?):
            "identity public key has \(byteCount) bytes, expected \(C25519.publicKeyByteCount)"
        case .badPublicKey(nil):
            "identity public key is not hex"
        case .badSecretKey:
            "identity secret key must be \(C25519.privateKeyByteCount * 2) hex digits"
        case .secretDoesNotMatchPublicKey:
            "identity secret key does not belong to its public key"
        }
    }
}
