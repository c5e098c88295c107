import ZeroTier

/// The network config as it arrives: chunks of a signed Dictionary, the Dictionary's text, the config and the
/// request metadata decoded from it. What a decoder accepts must survive its encoder.
enum NetworkConfigTargets {
    static let network = NetworkID(rawValue: FuzzFixtures.controller.address.rawValue << 24 | 1)

    static func run(_ bytes: [UInt8]) {
        dictionary(bytes)
        config(bytes)
        requestMetadata(bytes)
        receivedChunks(bytes)
        signedChunks(bytes)
    }

    static func dictionary(_ bytes: [UInt8]) {
        guard let dictionary = try? NetworkDictionary(decoding: bytes) else { return }
        FuzzCheck.require(dictionary.encoded.count == dictionary.encodedCount, "Dictionary miscounts its encoding")
        let again = try? NetworkDictionary(decoding: dictionary.encoded)
        FuzzCheck.require(again?.entries == dictionary.entries, "Dictionary does not survive re-encoding")
    }

    static func config(_ bytes: [UInt8]) {
        guard let config = try? NetworkConfig(decoding: bytes), let encoded = try? config.encoded() else { return }
        let again = try? NetworkConfig(decoding: encoded)
        FuzzCheck.require(again == config, "network config does not survive re-encoding: \(FuzzCheck.difference(config, again))")
    }

    static func requestMetadata(_ bytes: [UInt8]) {
        guard let metadata = try? NetworkConfigRequestMetadata(decoding: bytes), let encoded = try? metadata.encoded() else { return }
        let again = try? NetworkConfigRequestMetadata(decoding: encoded)
        FuzzCheck.require(again == metadata, "request metadata does not survive re-encoding: \(FuzzCheck.difference(metadata, again))")
    }

    /// The input as a sequence of chunks off the wire (each a u16 length and that many bytes), into one assembler:
    /// unsigned, forged or inconsistent chunks are rejected; whatever completes is what the controller signed.
    static func receivedChunks(_ bytes: [UInt8]) {
        var assembler = NetworkConfigAssembler(network: network, controller: FuzzFixtures.controller)
        var reader = ByteReader(bytes)
        while let length = try? reader.readUInt16() {
            let piece = (try? reader.readBytes(min(Int(length), reader.remaining))) ?? []
            var chunkReader = ByteReader(piece)
            guard let chunk = try? NetworkConfigChunk(from: &chunkReader) else { continue }
            var writer = ByteWriter()
            chunk.encode(to: &writer)
            FuzzCheck.require(writer.bytes == Array(piece.prefix(chunkReader.offset)), "config chunk re-encodes differently")
            if case .complete = assembler.add(chunk) {
                FuzzCheck.fail("an assembled config from chunks the fuzzer could not sign")
            }
        }
    }

    /// Structure-aware: the input is a Dictionary the controller signs into small chunks, delivered in an order,
    /// with duplicates, that the input's first byte chooses. Exactly the input must come out, once.
    static func signedChunks(_ bytes: [UInt8]) {
        guard let first = bytes.first, bytes.count > 1, bytes.count < NetworkDictionary.networkConfigCapacity else { return }
        let dictionary = Array(bytes.dropFirst())
        let chunkLength = 64 + Int(first & 0x3f) * 16
        guard let chunks = NetworkConfigChunker.chunks(of: dictionary, network: network, updateID: UInt64(first) + 1,
                                                       signedBy: FuzzFixtures.controller, maxChunkLength: chunkLength),
              chunks.count <= NetworkConfigAssembler.maxChunksPerUpdate else { return }
        var order = Array(chunks.indices)
        if first & 0x40 != 0 { order.reverse() }
        if first & 0x80 != 0 { order += order }
        var assembler = NetworkConfigAssembler(network: network, controller: FuzzFixtures.controller)
        var completions = 0
        for index in order {
            switch assembler.add(chunks[index]) {
            case .complete(_, let assembled):
                FuzzCheck.require(assembled == dictionary, "assembled config differs from the signed one")
                completions += 1
            case .rejected(let why):
                FuzzCheck.fail("a signed chunk was rejected: \(why)")
            case .incomplete, .duplicate:
                break
            }
        }
        FuzzCheck.require(completions == 1, "signed config completed \(completions) times")
    }
}
