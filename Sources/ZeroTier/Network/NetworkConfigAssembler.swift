/// The member's side of config delivery: collects the chunks of a network's config, in any order and from
/// anyone (members may forward chunks to each other), checks each against the controller's signature and
/// hands out the complete Dictionary bytes once every byte has arrived.
///
/// Memory is bounded as in ZeroTier: at most `maxUpdates` configs in progress (the least recently touched
/// is dropped for a new one), each no larger than `NetworkDictionary.networkConfigCapacity` and made of at
/// most `maxChunksPerUpdate` chunks. A buffer is allocated only for a chunk whose signature verified.
/// Unsigned chunks (controllers before 1.2 sent a whole config that way) are refused.
public struct NetworkConfigAssembler: Sendable {
    public enum Outcome: Hashable, Sendable {
        /// Accepted; more chunks of this update are needed.
        case incomplete(updateID: UInt64)
        /// The last missing chunk: the whole serialized Dictionary (decode with `NetworkConfig(decoding:)`).
        case complete(updateID: UInt64, dictionary: [UInt8])
        /// Seen before (or its update is already complete); nothing changed.
        case duplicate
        case rejected(Rejection)
    }

    public enum Rejection: Hashable, Sendable {
        case wrongNetwork
        /// No update fields: a legacy whole config, which carries no signature.
        case unsigned
        case unsupportedSignature
        case badSignature
        /// Offset plus length beyond the total, an empty chunk, or a total of 0 or beyond the capacity.
        case badLength
        /// Another chunk of the same update announced a different total length.
        case inconsistentLength
        case tooManyChunks
    }

    public static let maxUpdates = 3
    public static let maxChunksPerUpdate = NetworkDictionary.networkConfigCapacity / 1024 + 1

    public let network: NetworkID
    public let controller: Identity

    private struct Update: Sendable {
        var id: UInt64
        var totalLength: Int
        var data: [UInt8]
        /// Disjoint, sorted byte ranges received so far.
        var received: [Range<Int>] = []
        var chunkIDs: Set<UInt64> = []
        var lastUse: UInt64
        var isComplete = false
    }

    private var updates: [Update] = []
    private var useCounter: UInt64 = 0

    /// `controller` must be the network's controller (its address is the top of the network ID).
    public init(network: NetworkID, controller: Identity) {
        precondition(controller.address == network.controller, "\(controller.address) does not control \(network)")
        self.network = network
        self.controller = controller.publicOnly
    }

    public mutating func add(_ chunk: NetworkConfigChunk) -> Outcome {
        guard chunk.network == network else { return .rejected(.wrongNetwork) }
        guard let update = chunk.update else { return .rejected(.unsigned) }
        let total = Int(update.totalLength), offset = Int(update.offset), length = chunk.data.count
        guard length > 0, total > 0, total < NetworkDictionary.networkConfigCapacity, offset <= total - length else {
            return .rejected(.badLength)
        }
        guard update.signatureType == NetworkConfigChunk.Update.c25519SignatureType,
              update.signature.count == C25519.signatureByteCount else { return .rejected(.unsupportedSignature) }

        let chunkID = Self.chunkID(update.signature)
        let slot = updates.firstIndex { $0.id == update.id }
        if let slot, updates[slot].isComplete || updates[slot].chunkIDs.contains(chunkID) { return .duplicate }
        guard controller.verify(chunk.signedBytes, signature: update.signature) else { return .rejected(.badSignature) }

        let index: Int
        if let slot {
            guard updates[slot].totalLength == total else { return .rejected(.inconsistentLength) }
            guard updates[slot].chunkIDs.count < Self.maxChunksPerUpdate else { return .rejected(.tooManyChunks) }
            index = slot
        } else {
            if updates.count >= Self.maxUpdates, let oldest = updates.indices.min(by: { updates[$0].lastUse < updates[$1].lastUse }) {
                updates.remove(at: oldest)
            }
            updates.append(Update(id: update.id, totalLength: total, data: [UInt8](repeating: 0, count: total), lastUse: 0))
            index = updates.count - 1
        }

        useCounter += 1
        updates[index].lastUse = useCounter
        updates[index].chunkIDs.insert(chunkID)
        updates[index].data.replaceSubrange(offset..<offset + length, with: chunk.data)
        updates[index].received = Self.merge(offset..<offset + length, into: updates[index].received)
        guard updates[index].received == [0..<total] else { return .incomplete(updateID: update.id) }

        let dictionary = updates[index].data
        updates[index].data = []
        updates[index].isComplete = true
        return .complete(updateID: update.id, dictionary: dictionary)
    }

    /// ZeroTier tells chunks apart by their signatures, folded to 8 bytes.
    private static func chunkID(_ signature: [UInt8]) -> UInt64 {
        var folded = [UInt8](repeating: 0, count: 8)
        for index in 0..<16 { folded[index & 7] ^= signature[index] }
        return folded.reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func merge(_ range: Range<Int>, into ranges: [Range<Int>]) -> [Range<Int>] {
        var merged = [Range<Int>]()
        var current = range
        var placed = false
        for existing in ranges {
            if existing.upperBound < current.lowerBound {
                merged.append(existing)
            } else if current.upperBound < existing.lowerBound {
                if !placed { merged.append(current); placed = true }
                merged.append(existing)
            } else {
                current = min(current.lowerBound, existing.lowerBound)..<max(current.upperBound, existing.upperBound)
            }
        }
        if !placed { merged.append(current) }
        return merged
    }
}
