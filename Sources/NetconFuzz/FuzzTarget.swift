import Foundation

/// The fuzz targets, each a family of parsers that see bytes from outside. `make fuzz` runs each on its own
/// (NETCON_FUZZ_TARGET=name) so that inputs executed and coverage are reported per target; a regression input is
/// kept under `Fuzz/regressions/<target>/` and replayed by `make test`.
enum FuzzTarget: String, CaseIterable {
    /// Datagrams, fragments and their reassembly, every verb's message, worlds, identities, LZ4.
    case wire
    /// A member and a root with real keys, so inputs authenticate and reach the verb handlers.
    case engine
    /// The network config Dictionary, the config and request metadata in it, and config chunks.
    case netconf
    /// Certificates of membership, capabilities, tags, revocations and ownership, with their signatures.
    case credentials
    /// The control socket's codec (the CLI's requests, the daemon's replies).
    case control
    /// The RPC codec on both sides: the node's (Swift) and the intercept rules' (C).
    case rpc
    /// The controller database's JSON records (ZeroTier One's `controller.d`).
    case controllerRecords = "controller-records"
    /// DNS queries and responses (the node's resolver and name server, the intercept library's lookups), resolv.conf.
    case dns
    /// A SOCKS5 client's messages (greeting, username/password, request, UDP datagram) and the replies.
    case socks5
    /// An HTTP proxy client's request head and what is forwarded of it.
    case httpProxy = "http-proxy"
    /// forwards.conf, a proxy's credentials file, the PROXY protocol header.
    case relayFiles = "relay-files"

    func run(_ bytes: [UInt8]) {
        switch self {
        case .wire: ParserTargets.run(bytes)
        case .engine: FuzzWorld.shared.run(bytes)
        case .netconf: NetworkConfigTargets.run(bytes)
        case .credentials: CredentialTargets.run(bytes)
        case .control: LocalCodecTargets.control(bytes)
        case .rpc: LocalCodecTargets.rpc(bytes)
        case .controllerRecords: LocalCodecTargets.controllerRecords(bytes)
        case .dns: NameTargets.run(bytes)
        case .socks5: RelayTargets.socks(bytes)
        case .httpProxy: RelayTargets.httpProxy(bytes)
        case .relayFiles: RelayTargets.relayFiles(bytes)
        }
    }

    static let environmentVariable = "NETCON_FUZZ_TARGET"

    /// The targets NETCON_FUZZ_TARGET names (comma-separated), all of them when it is unset; exits 64 on a name
    /// that is none of them.
    static func fromEnvironment() -> [FuzzTarget] {
        guard let names = ProcessInfo.processInfo.environment[environmentVariable], !names.isEmpty else { return allCases }
        return names.split(separator: ",").map { name in
            guard let target = FuzzTarget(rawValue: String(name)) else {
                FileHandle.standardError.write(Data("NetconFuzz: unknown target '\(name)' (\(allCases.map(\.rawValue).joined(separator: ", ")))\n".utf8))
                exit(64)
            }
            return target
        }
    }

    /// The targets an input runs: what is selected, narrowed for replay by the file's directory when that is
    /// named after a target (`Fuzz/regressions/rpc/…`).
    nonisolated(unsafe) static var active = fromEnvironment()
}
