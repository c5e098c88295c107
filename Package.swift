// swift-tools-version: 6.1
import PackageDescription

// Static archives of the C libraries netcon links: the release binary carries them inside,
// so only glibc and liblwip remain dynamic (see README, "Building").
let staticSystemLibraries: [LinkerSetting] = [
    .linkedLibrary(":libsodium.a"),
    .linkedLibrary(":liblz4.a"),
    .linkedLibrary(":libz.a"),
]

// Debian installs lwIP's headers (and the lwipopts.h its library was built with) under /usr/include/lwip.
let lwipHeaders: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I/usr/include/lwip"])]

let package = Package(
    name: "netcon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "netcon", targets: ["netcon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto", "4.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .executableTarget(
            name: "netcon",
            dependencies: ["Subcommands"]
        ),
        .target(
            name: "Subcommands",
            dependencies: [
                "Runtime",
                "RelayProtocols",
                "NetconRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "Runtime",
            dependencies: [
                "ZeroTier",
                "NetStack",
                "DNS",
                "ControlPlane",
                "NetconRPC",
                "CNetconRPC",
                "CNetconSys",
                "CNetconIntercept",
                "PreloadImage",
                "UnderlayFaults",
                "RelayProtocols",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: lwipHeaders
        ),
        // DNS messages as the node's resolver and name server read and write them (pure).
        .target(name: "DNS"),
        .target(
            name: "ControlPlane",
            dependencies: ["ZeroTier", "DNS"]
        ),
        .target(
            name: "ZeroTier",
            dependencies: [
                "CSodium", "CLZ4", "CAESGMACSIV",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            linkerSettings: staticSystemLibraries
        ),
        .target(
            name: "NetStack",
            dependencies: ["CLwIP"],
            swiftSettings: lwipHeaders
        ),
        // The fault model of test underlays (the node's test-only option and the benchmark's kernel reference).
        .target(name: "UnderlayFaults"),
        .target(name: "CSodium"),
        // AES-GMAC-SIV in place, on the BoringSSL that swift-crypto's Crypto product links.
        .target(
            name: "CAESGMACSIV",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "CLZ4"),
        .target(name: "CZlib"),
        .target(
            name: "CLwIP",
            cSettings: [.unsafeFlags(["-I/usr/include/lwip"])],
            linkerSettings: [.linkedLibrary("lwip")]
        ),
        .target(name: "CNetconSys"),
        // The socket rules of both interception paths (top level; the preload library compiles them too) and the
        // seccomp supervisor that answers a filtered program's socket calls with them (seccomp/).
        .target(
            name: "CNetconIntercept",
            dependencies: ["CNetconRPC"],
            cSettings: [.define("_GNU_SOURCE"), .headerSearchPath(".")]
        ),
        // The LD_PRELOAD library (Sources/NetconPreload, C) compiled by the plugin and embedded as generated Swift.
        .target(
            name: "PreloadImage",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            plugins: ["EmbedPreloadLibrary"]
        ),
        .plugin(
            name: "EmbedPreloadLibrary",
            capability: .buildTool(),
            dependencies: ["PreloadEmbedder"]
        ),
        .executableTarget(
            name: "PreloadEmbedder",
            path: "Plugins/PreloadEmbedder"
        ),
        // The typed face of the RPC the intercept library speaks; CNetconRPC holds the one header both compile.
        .target(name: "NetconRPC", dependencies: ["CNetconRPC"]),
        // What port forwards and proxies read from outside, as pure codecs: forward rules, SOCKS5, HTTP proxy
        // heads, the PROXY protocol header, proxy credentials.
        .target(name: "RelayProtocols", dependencies: ["NetconRPC"]),
        .target(name: "CNetconRPC"),
        // `make fuzz` builds this with libFuzzer (see Sources/NetconFuzz/FuzzEntry.swift); an ordinary build is
        // a tool that replays inputs: `NetconFuzz FILE|DIR…`.
        .executableTarget(
            name: "NetconFuzz",
            dependencies: ["ZeroTier", "ControlPlane", "NetconRPC", "CNetconIntercept", "DNS", "RelayProtocols"]
        ),
        // `make bench`: packet armor next to libsodium's raw primitives, and TCP between two nodes next to
        // lwIP alone, in release mode.
        .executableTarget(
            name: "NetconBench",
            dependencies: ["ZeroTier", "CSodium", "NetStack", "NetconRPC", "CNetconSys", "UnderlayFaults", "PreloadImage"],
            swiftSettings: lwipHeaders
        ),
        .testTarget(
            name: "ZeroTierTests",
            dependencies: [
                "ZeroTier",
                // The swift-crypto suite-3 reference the tests hold the in-place code to.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "RuntimeTests",
            dependencies: ["Runtime", "ControlPlane", "NetStack", "UnderlayFaults", "DNS"],
            swiftSettings: lwipHeaders
        ),
        .testTarget(
            name: "NetconRPCTests",
            dependencies: ["NetconRPC"]
        ),
        .testTarget(
            name: "RelayProtocolsTests",
            dependencies: ["RelayProtocols", "NetconRPC"]
        ),
        .testTarget(
            name: "NetStackTests",
            dependencies: ["NetStack"],
            swiftSettings: lwipHeaders
        ),
        .testTarget(
            name: "PreloadTests",
            dependencies: ["Runtime", "PreloadImage"],
            exclude: ["Programs"]
        ),
        .testTarget(
            name: "NetconCLITests",
            dependencies: ["ControlPlane", "ZeroTier", "NetconRPC", "CNetconSys", "DNS"]
        ),
    ]
)
