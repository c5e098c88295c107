extension NetworkConfig {
    /// Single sign-on settings. Which fields travel depends on `version`, as in ZeroTier 1.14:
    ///
    /// * version 0 (implicit flow): `ssov`, `ssoe`, and when enabled `aurl` (if not empty) and `aexpt`;
    /// * version 1 (full flow): `ssov`, `ssoe`, `iurl`, `ssoce`, `sson`, `ssos`, `ssocid`, `ssop`, read only
    ///   when enabled;
    /// * any other version: only `ssov` and `ssoe` (ZeroTier writes nothing; see `append`).
    ///
    /// Text fields are cut to ZeroTier's buffer sizes when read.
    public struct SSO: Hashable, Sendable {
        public var version: UInt64
        public var enabled: Bool
        public var authenticationURL: String
        /// ms since the epoch; version 0 only.
        public var authenticationExpiryTime: Int64
        public var issuerURL: String
        public var centralAuthURL: String
        public var nonce: String
        public var state: String
        public var clientID: String
        public var provider: String

        public init(version: UInt64 = 0, enabled: Bool = false, authenticationURL: String = "",
                    authenticationExpiryTime: Int64 = 0, issuerURL: String = "", centralAuthURL: String = "",
                    nonce: String = "", state: String = "", clientID: String = "", provider: String = "default") {
            self.version = version
            self.enabled = enabled
            self.authenticationURL = authenticationURL
            self.authenticationExpiryTime = authenticationExpiryTime
            self.issuerURL = issuerURL
            self.centralAuthURL = centralAuthURL
            self.nonce = nonce
            self.state = state
            self.clientID = clientID
            self.provider = provider
        }

        enum Key {
            static let version = "ssov"
            static let enabled = "ssoe"
            static let authenticationURL = "aurl"
            static let authenticationExpiryTime = "aexpt"
            static let issuerURL = "iurl"
            static let centralAuthURL = "ssoce"
            static let nonce = "sson"
            static let state = "ssos"
            static let clientID = "ssocid"
            static let provider = "ssop"
        }

        /// ZeroTier's buffer sizes (text fields hold one byte less).
        enum FieldBytes {
            static let url = 2048
            static let nonce = 128
            static let state = 256
            static let clientID = 256
            static let provider = 64
        }

        init(from dictionary: NetworkDictionary) {
            self.init(version: dictionary.uint64(Key.version) ?? 0, enabled: dictionary.bool(Key.enabled) ?? false)
            func text(_ key: String, _ size: Int) -> String {
                guard let value = dictionary.bytes(key) else { return "" }
                return BoundedText.decode(value, limit: size - 1)
            }
            switch (version, enabled) {
            case (0, true):
                authenticationURL = text(Key.authenticationURL, FieldBytes.url)
                authenticationExpiryTime = dictionary.int64(Key.authenticationExpiryTime) ?? 0
            case (1, true):
                authenticationURL = text(Key.authenticationURL, FieldBytes.url)
                issuerURL = text(Key.issuerURL, FieldBytes.url)
                centralAuthURL = text(Key.centralAuthURL, FieldBytes.url)
                nonce = text(Key.nonce, FieldBytes.nonce)
                state = text(Key.state, FieldBytes.state)
                clientID = text(Key.clientID, FieldBytes.clientID)
                let provider = text(Key.provider, FieldBytes.provider)
                self.provider = provider.isEmpty ? "default" : provider
            case (1, false):
                provider = ""
            default:
                break
            }
        }

        func append(to dictionary: inout NetworkDictionary) throws(NetworkDictionary.CapacityExceeded) {
            switch version {
            case 0:
                try dictionary.append(Key.version, uint64: version)
                try dictionary.append(Key.enabled, bool: enabled)
                if enabled {
                    if !authenticationURL.isEmpty { try dictionary.append(Key.authenticationURL, string: authenticationURL) }
                    try dictionary.append(Key.authenticationExpiryTime, uint64: UInt64(bitPattern: authenticationExpiryTime))
                }
            case 1:
                try dictionary.append(Key.version, uint64: version)
                try dictionary.append(Key.enabled, bool: enabled)
                try dictionary.append(Key.issuerURL, string: issuerURL)
                try dictionary.append(Key.centralAuthURL, string: centralAuthURL)
                try dictionary.append(Key.nonce, string: nonce)
                try dictionary.append(Key.state, string: state)
                try dictionary.append(Key.clientID, string: clientID)
                try dictionary.append(Key.provider, string: provider)
            default:
                // ZeroTier writes nothing for a version it does not know; netcon keeps the two fields it read, so
                // a stored config reads back as the controller sent it (a newer flow stays unsupported, not absent).
                try dictionary.append(Key.version, uint64: version)
                try dictionary.append(Key.enabled, bool: enabled)
            }
        }
    }
}
