/// The RPC's messages are fixed-size C structs (netcon_rpc.h): bytes in, struct out, and back.
enum RPCMessageBytes {
    static func decode<Message>(_ bytes: some Collection<UInt8>, as type: Message.Type) throws(RPCDecodeError) -> Message {
        let size = MemoryLayout<Message>.size
        guard bytes.count == size else { throw .wrongSize(expected: size, actual: bytes.count) }
        return Array(bytes).withUnsafeBytes { $0.loadUnaligned(as: Message.self) }
    }

    static func encode<Message>(_ message: Message) -> [UInt8] {
        withUnsafeBytes(of: message) { Array($0) }
    }
}
