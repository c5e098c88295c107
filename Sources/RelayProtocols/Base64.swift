/// Base64 (RFC 4648 §4) for HTTP Basic credentials; padding required, no line breaks.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 0x3f)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        for start in stride(from: 0, to: characters.count, by: 4) {
            var value: UInt32 = 0
            var padding = 0
            for (position, character) in characters[start..<start + 4].enumerated() {
                let digit: UInt32
                if character == UInt8(ascii: "=") {
                    // Padding only at the very end, at most two.
                    guard start + 4 == characters.count, position >= 2 else { return nil }
                    padding += 1
                    digit = 0
                } else {
                    guard padding == 0, let found = alphabet.firstIndex(of: character) else { return nil }
                    digit = UInt32(found)
                }
                value = value << 6 | digit
            }
            let decoded = [UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
            out += decoded.prefix(3 - padding)
        }
        return out
    }
}
