extension Peer {
    /// The AES-GMAC-SIV keys for suite-3 packets from this peer.
    ///
    /// Derived on every access (two HMAC-SHA-384 runs) because an extension cannot store them; `Peer` should
    /// hold them as `lazy var aesKeys = AESGMACSIVKeys(peerKey: key)`, which makes this file unnecessary.
    /// Until then it costs only on suite-3 packets: netcon announces protocol 11, so ZeroTier peers send it
    /// suites 0 and 1.
    var aesKeys: AESGMACSIVKeys { AESGMACSIVKeys(peerKey: key) }
}
