extension CertificateOfMembership {
    /// Whether a peer presenting `other` may talk to us on a private network, judged against our own
    /// certificate (`self`) as ZeroTier's `agreesWith` does:
    ///
    /// * neither certificate may be empty;
    /// * every qualifier of ours must appear in `other` with a value within *our* max delta (so timestamps
    ///   may differ by the credential time max delta, network IDs must be equal, and addresses and identity
    ///   hashes, with max delta all ones, always pass this step);
    /// * if ours carries identity hash qualifiers (3–6), `other`'s must equal the hash of `identity`, the
    ///   identity of the peer presenting it, so a certificate cannot be replayed by someone else.
    ///
    /// Qualifiers only `other` has are ignored. Signatures are not checked here (see `isSigned(by:)`).
    public func agrees(with other: CertificateOfMembership, presentedBy identity: Identity) -> Bool {
        guard !qualifiers.isEmpty, !other.qualifiers.isEmpty else { return false }
        let theirs = Dictionary(other.qualifiers.map { ($0.id, $0.value) }, uniquingKeysWith: { _, last in last })
        var hasIdentityHash = false
        for mine in qualifiers {
            if Self.identityHashQualifierIDs.contains(mine.id) { hasIdentityHash = true }
            guard let value = theirs[mine.id] else { return false }
            let difference = value >= mine.value ? value - mine.value : mine.value - value
            guard difference <= mine.maxDelta else { return false }
        }
        guard hasIdentityHash else { return true }
        for (id, expected) in zip(Self.identityHashQualifierIDs, Self.identityHash(of: identity)) {
            guard theirs[id] == expected else { return false }
        }
        return true
    }
}
