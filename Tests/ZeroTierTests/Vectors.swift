import Foundation
import ZeroTier

/// Locates the shared ZeroTier test vectors (`../shared/vectors/zerotier` next to the project root, or the
/// folder named by `NETCON_VECTORS`) and reads files from it.
enum Vectors {
    static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["NETCON_VECTORS"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        // Tests/ZeroTierTests/Vectors.swift → project root → its sibling `shared`.
        let projectRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return projectRoot.deletingLastPathComponent().appendingPathComponent("shared/vectors/zerotier", isDirectory: true)
    }()

    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(path))) }

    static func text(_ path: String) throws -> String { try String(contentsOf: url(path), encoding: .utf8) }

    static func json<T: Decodable>(_ type: T.Type, _ path: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: url(path)))
    }

    /// Hex text from the vectors, as bytes; fails the test on malformed hex.
    static func hex(_ text: String) throws -> [UInt8] {
        guard let bytes = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw VectorError.badHex(String(text.prefix(40)))
        }
        return bytes
    }

    enum VectorError: Error { case badHex(String), missing(String) }
}
