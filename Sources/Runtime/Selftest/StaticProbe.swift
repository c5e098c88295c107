import PreloadImage

/// The embedded static probe on disk, the way the preload library is installed (content-addressed, 0500, in the
/// private runtime directory; a memfd when no directory can be used).
enum StaticProbe {
    static func install() throws(NetconError) -> PreloadLibrary {
        try PreloadLibrary.install(
            image: StaticProbeImage.bytes, sha256Hex: StaticProbeImage.sha256Hex,
            directories: PreloadLibrary.runtimeDirectories(),
            name: "netcon-static-probe-\(StaticProbeImage.sha256Hex.prefix(16))", memfdName: "netcon-static-probe")
    }
}
