/// What a proxy's handshake leads to: a stream to relay with the client, and the bytes each side gets first.
struct Tunnel {
    var remote: OwnedDescriptor
    var toRemote: [UInt8] = []
    var toClient: [UInt8] = []
    /// The remote's end of file ends the client's connection too (a forwarded HTTP request).
    var endsWithRemote = false
}
