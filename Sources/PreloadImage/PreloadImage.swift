internal import Crypto

/// The intercept library (Sources/NetconPreload) as the EmbedPreloadLibrary build plugin compiled it: the bytes
/// of `libnetcon-preload.so` and their SHA-256. `PreloadLibrary` in Runtime writes them out for LD_PRELOAD.
public enum PreloadImage {
    /// The shared library's bytes, decoded once.
    public static let bytes: [UInt8] = {
        let decoded = PreloadImageData.base64.withUTF8Buffer { decodeBase64($0) }
        precondition(decoded.count == PreloadImageData.byteCount, "the embedded preload library is damaged")
        return decoded
    }()

    /// SHA-256 of `bytes`, lowercase hex.
    public static let sha256Hex: String = PreloadImageData.sha256Hex

    /// SHA-256 of any bytes, lowercase hex: how an extracted copy is checked against `sha256Hex`.
    public static func sha256Hex(of bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return hex(Array(hasher.finalize()))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Standard base64 with padding, as the plugin writes it (no line breaks, no other characters).
    static func decodeBase64(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var values = [UInt8](repeating: 0xff, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            values[Int(character)] = UInt8(index)
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in text {
            let value = values[Int(character)]
            if value == 0xff { continue }  // "=" padding
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }
}

/// The static probe (Sources/StaticProbe): a program of system calls only, no libc, as the plugin compiled it.
/// `StaticProbe` in Runtime writes it out for `netcon selftest`.
public enum StaticProbeImage {
    public static let bytes: [UInt8] = {
        let decoded = StaticProbeImageData.base64.withUTF8Buffer { PreloadImage.decodeBase64($0) }
        precondition(decoded.count == StaticProbeImageData.byteCount, "the embedded static probe is damaged")
        return decoded
    }()

    public static let sha256Hex: String = StaticProbeImageData.sha256Hex
}
