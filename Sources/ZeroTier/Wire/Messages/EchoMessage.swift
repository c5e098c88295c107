/// ECHO (verb 0x08): a ping with arbitrary bytes, answered by OK(ECHO) carrying the same bytes.
public struct EchoMessage: WireMessage {
    public static let verb = Verb.echo

    public var data: [UInt8]

    public init(data: [UInt8] = []) {
        self.data = data
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        data = reader.readRest()
    }

    public func encode(to writer: inout ByteWriter) { writer.write(data) }
}
