import ZeroTier

/// Fixed test identities and the private planet of the fuzzing world, embedded so the fuzzer depends on no file
/// at run time. The identities are the capture's root, m1 and m2 (`../shared/vectors/zerotier/world/`), so the
/// datagrams of `session.pcap` that the seed script puts in the corpus authenticate where the capture's keys
/// allow it. They are public test data, never used outside tests and this tool.
enum FuzzFixtures {
    static let rootSecret = "4518434e30:0:f83fff8998b4687f9ea54323bcf18c941ee9f37f4473e4c1b949f326459fd559f348fce604a793cfd7398a57fb0374337ff1392772f456f56608e25e0a0adcb3:efdb3b7440f719e446edef0526989a3a09526cb1f1e0dac01e4cec73fc6fdbc8806a3cafabe4822506cee0303f257045d5bba26e5e5a123289b1ec983f653c38"
    static let m1Secret = "0f845b7051:0:38e33156599d0466741a737ea343aeba4a62b3c2ea7a14555fb8206ba9871066f0a09e8aa4fe0c67098fd591be061026dee15529804164b7da6b7f7e3f56f533:7e8aface042c97ad5168e9320a1033d810c4c1443d198b45c668759c1238814cd23cc0b44c6bdf6e1b3d713f5a9df7ac2ba6130d1b7021a97f0924d291698e4d"
    static let m2Secret = "eddffe2b19:0:bd0ef87a379b2e6dcbd893a3e243271f6f5439a60d1628b9672c9b3e15331b4b93a1dfa291f7e36ec345c1131be4a87c84ef753556e8709dc216082c0ca791b1:5445d43d5d4f04dd445d1ee019e1cfc49a067d5678bd17c01ec61d4f18095e745c5f90d9ec875e05da466637892dac8600ccc4daf1fa8a107ba34c4672bc3c12"

    /// The network controller of the config and credential targets (the root's identity: any secret will do).
    static let controller = try! Identity(rootSecret)
    static let m1 = try! Identity(m1Secret)

    /// The capture planet's signing key pair (`planet/current.c25519`: public ‖ private). The fuzzing planet has
    /// the capture planet's ID and key but an older timestamp, so the real planet file, sent in an OK(HELLO)
    /// from the root, is a valid update and the update path gets exercised too.
    static let planetKeyPair = "e14dbb2e63f9f72cec622d8d98af5043ffe0cea6688e69758ffd56deb2a9585d366bea736b537f092d5ae4e2649980ab59c7ef01f26209c0b403473d5c95fddc3b5e663a70516f4679a648a2d3d811c4a568f8613386e18cce931aa0e2ecd4301e60ac5be6fde290354ac38f6ae93230d3a4c80a7289c3cd3d6594fa6f7f87c0"
    static let planetID: UInt64 = 121_381_604_061_038

    static let rootEndpoint = InetEndpoint("127.0.0.1/9993")!
    static let m1Endpoint = InetEndpoint("127.0.0.1/10000")!
    static let m2Endpoint = InetEndpoint("127.0.0.1/10001")!
    /// The capture's two networks, joined by the member so frames for them are delivered.
    static let networks: Set<NetworkID> = [NetworkID(rawValue: 0xcf2d_aa94_e400_0001), NetworkID(rawValue: 0xcf2d_aa94_e400_0002)]
    /// The capture's time (ms), where the clock starts.
    static let startTime: Int64 = 1_764_377_000_000

    /// A one-root planet with the root at 127.0.0.1/9993.
    static func planet(root: Identity) -> World {
        let keyPair = try! C25519.KeyPair(keyPairFile: Hex.decode(planetKeyPair)!)
        return World(kind: .planet, id: planetID, timestamp: 1, updatesMustBeSignedBy: keyPair.publicKey,
                     roots: [World.Root(identity: root.publicOnly, stableEndpoints: [rootEndpoint])], signedWith: keyPair)
    }

    /// SplitMix64: deterministic packet IDs, so a replayed input meets the same node state as when it was found.
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
