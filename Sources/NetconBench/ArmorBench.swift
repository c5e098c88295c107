import CSodium
import ZeroTier

// Part one of `make bench`: how close PacketArmor (Salsa20/12-Poly1305, suite 1) comes to the libsodium work it cannot
// avoid, measured in the same run (rounds interleaved) so machine noise hits both alike. Speed is measured
// here, never in tests.
//
// Both take one 1400-byte packet there and back per iteration:
//   armor: PacketArmor.armor(encryptPayload: true), then PacketArmor.dearmor (which must accept it);
//   raw:   per direction, crypto_stream_salsa2012 for 64 + 1373 keystream bytes (the Poly1305 key, then the
//          bytes from the verb on), XOR, crypto_onetimeauth_poly1305 over the ciphertext; the verify side
//          compares the 8 tag bytes ZeroTier keeps, in constant time.
// Throughput is packet bytes per second (1400 × iterations), best of several rounds of about half a second.
//
// A third line times suite 3 the same way: PacketArmor.armor(keys:) (AES-GMAC-SIV) then PacketArmor.dearmor(keys:),
// with the peer's AES keys derived once, as the node does; it prints next to suite 1's rate and their ratio.

/// The raw libsodium calls for one packet, on buffers allocated once.
final class RawSalsaPoly {
    let bodyOffset = 27
    let macRange = 19..<27
    let key: UnsafeMutablePointer<UInt8>
    let nonce: UnsafeMutablePointer<UInt8>
    let keystream: UnsafeMutableBufferPointer<UInt8>
    let tag = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)

    init(packetLength: Int) {
        key = .allocate(capacity: 32)
        nonce = .allocate(capacity: 8)
        randombytes_buf(key, 32)
        randombytes_buf(nonce, 8)
        keystream = .allocate(capacity: 64 + packetLength - bodyOffset)
    }

    deinit {
        key.deallocate()
        nonce.deallocate()
        keystream.deallocate()
        tag.deallocate()
    }

    func seal(_ packet: inout [UInt8]) {
        packet.withUnsafeMutableBufferPointer { packet in
            let body = UnsafeMutableBufferPointer(rebasing: packet[bodyOffset...])
            xorKeystream(into: body)
            _ = crypto_onetimeauth_poly1305(tag, body.baseAddress!, UInt64(body.count), keystream.baseAddress!)
            (packet.baseAddress! + macRange.lowerBound).update(from: tag, count: macRange.count)
        }
    }

    func open(_ packet: inout [UInt8]) -> Bool {
        packet.withUnsafeMutableBufferPointer { packet in
            let body = UnsafeMutableBufferPointer(rebasing: packet[bodyOffset...])
            _ = crypto_stream_salsa2012(keystream.baseAddress!, UInt64(64 + body.count), nonce, key)
            _ = crypto_onetimeauth_poly1305(tag, body.baseAddress!, UInt64(body.count), keystream.baseAddress!)
            guard sodium_memcmp(tag, packet.baseAddress! + macRange.lowerBound, macRange.count) == 0 else { return false }
            for i in body.indices { body[i] ^= keystream[64 + i] }
            return true
        }
    }

    private func xorKeystream(into body: UnsafeMutableBufferPointer<UInt8>) {
        _ = crypto_stream_salsa2012(keystream.baseAddress!, UInt64(64 + body.count), nonce, key)
        for i in body.indices { body[i] ^= keystream[64 + i] }
    }
}

/// Runs `iteration` in batches until about `seconds` have passed; the rate in MB of packet bytes per second.
func throughput(packetLength: Int, seconds: Double, _ iteration: () -> Void) -> Double {
    let clock = ContinuousClock()
    let budget = Duration.milliseconds(Int(seconds * 1000))
    var iterations = 0
    let start = clock.now
    var elapsed = Duration.zero
    repeat {
        for _ in 0..<256 { iteration() }
        iterations += 256
        elapsed = clock.now - start
    } while elapsed < budget
    let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Double(iterations * packetLength) / elapsedSeconds / 1e6
}

func formatted(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let whole = Int(value * scale + 0.5)  // (non-negative values; `rounded()` would need libm)
    if digits == 0 { return String(whole) }
    let fraction = String(whole % Int(scale))
    return "\(whole / Int(scale)).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
}

func armorBench() {
    precondition(netcon_sodium_ready() == 0, "libsodium failed to initialise")
    let packetLength = 1400, rounds = 7, roundSeconds = 0.5

    var template = [UInt8](repeating: 0, count: packetLength)
    template.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, $0.count) }
    let peerKey = SecretBytes.random(count: 48)
    let raw = RawSalsaPoly(packetLength: packetLength)

    let aesKeys = AESGMACSIVKeys(peerKey: peerKey)

    var armorPacket = template, rawPacket = template, aesPacket = template
    let armorIteration = {
        PacketArmor.armor(&armorPacket, key: peerKey, encryptPayload: true)
        guard PacketArmor.dearmor(&armorPacket, key: peerKey) else { fatalError("dearmor rejected its own packet") }
    }
    let aesIteration = {
        guard PacketArmor.armor(&aesPacket, keys: aesKeys) else { fatalError("suite 3 armor refused a packet") }
        guard PacketArmor.dearmor(&aesPacket, keys: aesKeys) else { fatalError("suite 3 dearmor rejected its own packet") }
    }
    let rawIteration = {
        raw.seal(&rawPacket)
        guard raw.open(&rawPacket) else { fatalError("raw MAC mismatch") }
    }

    // Both really encrypt and decrypt: one round trip leaves the bytes after the MAC as they were.
    armorIteration()
    rawIteration()
    aesIteration()
    precondition(armorPacket[27...] == template[27...] && rawPacket[27...] == template[27...]
                 && aesPacket[27...] == template[27...], "round trip changed the packet")

    // A warm-up round each, then interleaved rounds; the best of each counts.
    _ = throughput(packetLength: packetLength, seconds: roundSeconds, armorIteration)
    _ = throughput(packetLength: packetLength, seconds: roundSeconds, rawIteration)
    _ = throughput(packetLength: packetLength, seconds: roundSeconds, aesIteration)
    var armorBest = 0.0, rawBest = 0.0, aesBest = 0.0
    for _ in 0..<rounds {
        armorBest = max(armorBest, throughput(packetLength: packetLength, seconds: roundSeconds, armorIteration))
        rawBest = max(rawBest, throughput(packetLength: packetLength, seconds: roundSeconds, rawIteration))
        aesBest = max(aesBest, throughput(packetLength: packetLength, seconds: roundSeconds, aesIteration))
    }
    print("armor+dearmor \(packetLength) B: \(formatted(armorBest, digits: 1)) MB/s; "
          + "raw libsodium: \(formatted(rawBest, digits: 1)) MB/s; ratio \(formatted(armorBest / rawBest, digits: 2))")
    print("suite 3 (AES-GMAC-SIV) armor+dearmor \(packetLength) B: \(formatted(aesBest, digits: 1)) MB/s; "
          + "suite 1 (Salsa20/12-Poly1305): \(formatted(armorBest, digits: 1)) MB/s; ratio \(formatted(aesBest / armorBest, digits: 2))")
}

