extension NetworkConfig {
    /// One entry of a network's flow rules (`R`), kept as its serialized fields: type byte, then a payload
    /// whose layout depends on the type. Serialized as type (u8) ‖ payload length (u8) ‖ payload.
    ///
    /// The type byte holds the rule kind in its low six bits (actions 0–15, matches 24–63), `0x80` to negate
    /// a match and `0x40` to OR it with the previous one instead of ANDing.
    public struct Rule: Hashable, Sendable {
        public var type: UInt8
        public var payload: [UInt8]

        public init(type: UInt8, payload: [UInt8] = []) {
            precondition(payload.count <= Int(UInt8.max), "a rule's payload is at most 255 bytes")
            self.type = type
            self.payload = payload
        }

        public static let dropKind: UInt8 = 0
        public static let acceptKind: UInt8 = 1

        /// ACTION_DROP: stop, discard the frame.
        public static let drop = Rule(type: dropKind)
        /// ACTION_ACCEPT: stop, deliver the frame. A controller's default rule set is this rule alone.
        public static let accept = Rule(type: acceptKind)

        public var kind: UInt8 { type & 0x3f }
        public var isAction: Bool { kind <= 15 }
        public var isNegated: Bool { type & 0x80 != 0 }
        public var isOr: Bool { type & 0x40 != 0 }

        static func read(from reader: inout ByteReader) throws(DecodingError) -> Rule {
            let type = try reader.readUInt8()
            return Rule(type: type, payload: try reader.readBytes(Int(try reader.readUInt8())))
        }

        func write(to writer: inout ByteWriter) {
            writer.write(type)
            writer.write(UInt8(payload.count))
            writer.write(payload)
        }
    }
}
