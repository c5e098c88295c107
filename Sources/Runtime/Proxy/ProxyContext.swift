import Logging
import RelayProtocols

/// What the handshakes of one proxy share.
struct ProxyContext: Sendable {
    let dialer: ProxyDialer
    let credentials: ProxyCredentials
    let handshakeTimeoutMilliseconds: Int64
    let logger: Logger
}
