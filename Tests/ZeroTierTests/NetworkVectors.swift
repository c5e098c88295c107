import Foundation
@testable import ZeroTier

/// The network configs the real members stored (`session/m{1,2}-networks.d/<nwid>.conf`), their decoding by
/// the independent checker (`session/netconf-decoded.json`), and the world's identities.
enum NetworkVectors {
    static let privateNetwork = NetworkID("cf2daa94e4000001")!
    static let publicNetwork = NetworkID("cf2daa94e4000002")!

    /// "m1/cf2daa94e4000001.conf" and so on, the keys of netconf-decoded.json.
    static let confNames = ["m1/cf2daa94e4000001.conf", "m1/cf2daa94e4000002.conf",
                            "m2/cf2daa94e4000001.conf", "m2/cf2daa94e4000002.conf"]

    static func confBytes(_ name: String) throws -> [UInt8] {
        let parts = name.split(separator: "/")
        return try Vectors.bytes("session/\(parts[0])-networks.d/\(parts[1])")
    }

    static func identity(_ node: String) throws -> Identity {
        try Identity(try Vectors.text("world/\(node).public"))
    }

    static func secretIdentity(_ node: String) throws -> Identity {
        try Identity(try Vectors.text("world/\(node).secret"))
    }

    /// netconf-decoded.json as loosely typed JSON: config name → key → value.
    static func decodedConfigs() throws -> [String: [String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: Vectors.url("session/netconf-decoded.json")))
        guard let root = object as? [String: Any], let configs = root["configs"] as? [String: [String: Any]] else {
            throw Vectors.VectorError.missing("configs in netconf-decoded.json")
        }
        return configs
    }
}
