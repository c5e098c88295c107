/// The proof of work behind a ZeroTier identity: a 64-byte digest of the public key that costs 2 MiB of
/// memory and a sequential Salsa20/20 pass to compute. An identity is valid when the digest's first byte is
/// below 17 and its last five bytes are the address, so addresses cannot be chosen cheaply.
///
/// 1. digest = SHA-512(public key); one Salsa20/20 keystream (key digest[0:32], nonce digest[32:40],
///    block 0 onwards) feeds every later step.
/// 2. A 2 MiB table where block 0 is keystream block 0 and every later block is the previous block XOR the
///    next keystream block (a chained fill, so it cannot be computed piecewise).
/// 3. Walking the table two 64-bit words at a time: the first (read big-endian) picks a digest lane mod 8,
///    the second a table word mod 262 144; the two 8-byte cells swap, then the digest is XORed with the
///    next keystream block (block 32 768 onwards).
enum MemoryHardHash {
    static let memoryByteCount = 2_097_152
    static let criterion: UInt8 = 17

    private static let wordCount = memoryByteCount / 8
    private static let tableBlockCount = UInt64(memoryByteCount / Salsa20.blockByteCount)
    /// Keystream blocks generated per call in step 3 (64 KiB at a time).
    private static let chunkBlockCount = 1024

    /// The 2 MiB table plus keystream space, allocated once and reused across a generation loop.
    /// Holds only values derived from public keys, so nothing here needs wiping.
    final class Scratch {
        let table: UnsafeMutableRawBufferPointer
        let keystream: UnsafeMutableRawBufferPointer

        init() {
            table = .allocate(byteCount: MemoryHardHash.memoryByteCount, alignment: 64)
            keystream = .allocate(byteCount: MemoryHardHash.chunkBlockCount * Salsa20.blockByteCount, alignment: 64)
        }

        deinit {
            table.deallocate()
            keystream.deallocate()
        }
    }

    static func digest(of publicKey: [UInt8]) -> [UInt8] {
        digest(of: publicKey, scratch: Scratch())
    }

    static func digest(of publicKey: [UInt8], scratch: Scratch) -> [UInt8] {
        var digest = SHA512.hash(publicKey)
        // The keystream stays under the first digest even as the digest itself changes in step 3.
        let key = Array(digest[0..<32])
        let nonce = Array(digest[32..<40])
        key.withUnsafeBytes { key in
            nonce.withUnsafeBytes { nonce in
                digest.withUnsafeMutableBytes { digest in
                    fillTable(scratch.table, key: key, nonce: nonce)
                    walkTable(scratch, digest: digest, key: key, nonce: nonce)
                }
            }
        }
        return digest
    }

    // Steps 2 and 3 read and write the buffers through untyped 8-byte loads and stores, which Swift allows on
    // any memory whatever type it is bound to (libsodium writes the same bytes as `unsigned char`).

    /// Step 2. Encrypting a zeroed table gives raw keystream blocks k0, k1, …; the chained fill wants
    /// block i = k0 ^ … ^ ki, which is a running XOR over the blocks.
    private static func fillTable(_ table: UnsafeMutableRawBufferPointer, key: UnsafeRawBufferPointer,
                                  nonce: UnsafeRawBufferPointer) {
        precondition(table.count == memoryByteCount)
        table.initializeMemory(as: UInt8.self, repeating: 0)
        Salsa20.xor(table, key: key, nonce: nonce, counter: 0)
        let base = table.baseAddress!
        var offset = Salsa20.blockByteCount
        while offset < memoryByteCount {
            let chained = base.load(fromByteOffset: offset, as: UInt64.self)
                ^ base.load(fromByteOffset: offset - Salsa20.blockByteCount, as: UInt64.self)
            base.storeBytes(of: chained, toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
    }

    /// Step 3.
    private static func walkTable(_ scratch: Scratch, digest: UnsafeMutableRawBufferPointer,
                                  key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer) {
        precondition(digest.count == 64)
        let table = scratch.table.baseAddress!
        let lanes = digest.baseAddress!
        let stream = scratch.keystream.baseAddress!
        let chunkByteCount = scratch.keystream.count
        var nextBlock = tableBlockCount
        var streamOffset = chunkByteCount   // forces a refill on the first step
        var offset = 0
        while offset < memoryByteCount {
            let lane = Int(UInt64(bigEndian: table.load(fromByteOffset: offset, as: UInt64.self)) % 8) * 8
            let slot = Int(UInt64(bigEndian: table.load(fromByteOffset: offset + 8, as: UInt64.self)) % UInt64(wordCount)) * 8
            offset += 16
            let held = table.load(fromByteOffset: slot, as: UInt64.self)
            table.storeBytes(of: lanes.loadUnaligned(fromByteOffset: lane, as: UInt64.self), toByteOffset: slot, as: UInt64.self)
            lanes.storeBytes(of: held, toByteOffset: lane, as: UInt64.self)

            if streamOffset == chunkByteCount {
                scratch.keystream.initializeMemory(as: UInt8.self, repeating: 0)
                Salsa20.xor(scratch.keystream, key: key, nonce: nonce, counter: nextBlock)
                nextBlock += UInt64(chunkBlockCount)
                streamOffset = 0
            }
            var k = 0
            while k < 64 {
                let mixed = lanes.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                    ^ stream.load(fromByteOffset: streamOffset + k, as: UInt64.self)
                lanes.storeBytes(of: mixed, toByteOffset: k, as: UInt64.self)
                k += 8
            }
            streamOffset += 64
        }
    }
}
