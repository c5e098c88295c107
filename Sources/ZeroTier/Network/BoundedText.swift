/// Text in ZeroTier's fixed-size C buffers (network name, DNS domain, SSO fields): at most `limit` bytes before
/// the first NUL. Read back as Swift strings, bytes that are not UTF-8 become U+FFFD, three bytes each, so the
/// string is cut again to whole scalars within the limit; what netcon writes is cut the same way, so a text read
/// and written again is the same text.
enum BoundedText {
    static func decode(_ bytes: some Collection<UInt8>, limit: Int) -> String {
        fitting(String(decoding: bytes.prefix(limit).prefix { $0 != 0 }, as: UTF8.self), limit: limit)
    }

    /// The UTF-8 bytes of the longest prefix of `text` made of whole scalars, without NUL, within `limit` bytes.
    static func encode(_ text: String, limit: Int) -> [UInt8] {
        Array(fitting(String(text.unicodeScalars.prefix { $0 != "\0" }), limit: limit).utf8)
    }

    private static func fitting(_ text: String, limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var kept = String.UnicodeScalarView()
        var used = 0
        for scalar in text.unicodeScalars {
            used += UTF8.width(scalar)
            guard used <= limit else { break }
            kept.append(scalar)
        }
        return String(kept)
    }
}
