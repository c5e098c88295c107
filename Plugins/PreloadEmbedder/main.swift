// The build tool behind the EmbedPreloadLibrary plugin:
//   PreloadEmbedder KIND CC INCLUDE_DIRS BINARY_PATH OUTPUT_SWIFT SOURCE.c...
// compiles the sources into BINARY_PATH and writes OUTPUT_SWIFT with its bytes (base64, a string literal the
// compiler reads in no time, unlike an array literal of 50 000 integers) and their SHA-256. KIND is
// preload-library (the LD_PRELOAD library, INCLUDE_DIRS separated by colons) or static-probe (the libc-free
// static program of `netcon selftest`).
//
// The tool depends on nothing but the standard library: a host tool linked with swift-crypto drags BoringSSL's
// C++ into `make release`'s static-libstdc++ link, which fails there. Its SHA-256 is therefore its own, and
// PreloadTests checks the embedded digest against swift-crypto's.
import Glibc

func fail(_ message: String) -> Never {
    let line = "PreloadEmbedder: \(message)\n"
    _ = write(STDERR_FILENO, line, line.utf8.count)
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count >= 7 else { fail("usage: PreloadEmbedder KIND CC INCLUDE_DIRS BINARY OUTPUT SOURCE.c...") }
let (kind, compiler, includeDirectories, binaryPath, outputPath) = (arguments[1], arguments[2], arguments[3], arguments[4], arguments[5])
let sources = Array(arguments[6...])
let includes = includeDirectories.split(separator: ":").flatMap { ["-I", String($0)] }

// -g0 and no timestamps keep the bytes, and so the content-addressed file name, the same from one build to the next.
let kindFlags: [String]
let enumName: String
switch kind {
case "preload-library":
    // NETCON_PRELOAD selects the shared rules' preload side (real.h). Hidden visibility: only the hooks (marked in
    // hooks.h) are exported.
    kindFlags = ["-DNETCON_PRELOAD", "-shared", "-fPIC", "-fvisibility=hidden"]
    enumName = "PreloadImageData"
case "static-probe":
    // No libc at all: nothing a dynamic loader or an LD_PRELOAD library could see.
    kindFlags = ["-static", "-nostdlib", "-ffreestanding", "-fno-stack-protector", "-fno-builtin", "-fno-pie", "-no-pie"]
    enumName = "StaticProbeImageData"
default:
    fail("unknown kind \(kind)")
}
let libraries = kind == "preload-library" ? ["-ldl", "-lpthread"] : []
let compilerArguments = [compiler, "-D_GNU_SOURCE", "-std=gnu11", "-O2", "-g0", "-Wall", "-Wextra", "-Werror"] + kindFlags
    + includes + sources + ["-o", binaryPath] + libraries

func run(_ argv: [String]) -> Int32 {
    var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], nil, nil, &cArguments, environ)
    guard spawned == 0 else { fail("cannot run \(argv[0]): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return status
}

let status = run(compilerArguments)
guard status == 0 else { fail("\(compiler) failed (wait status \(status)) compiling the \(kind)") }

func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fail("cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count == 0 { break }
        bytes += chunk[0..<count]
    }
    return bytes
}

func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index < bytes.count {
        let remaining = bytes.count - index
        let b0 = UInt32(bytes[index])
        let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
        let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
        let triple = b0 << 16 | b1 << 8 | b2
        out.append(alphabet[Int(triple >> 18 & 63)])
        out.append(alphabet[Int(triple >> 12 & 63)])
        out.append(remaining > 1 ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
        out.append(remaining > 2 ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
        index += 3
    }
    return String(decoding: out, as: UTF8.self)
}

/// SHA-256 (FIPS 180-4) of bytes, lowercase hex.
func sha256Hex(_ bytes: [UInt8]) -> String {
    let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
    var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    var message = bytes
    message.append(0x80)
    while message.count % 64 != 56 { message.append(0) }
    let bitLength = UInt64(bytes.count) * 8
    for shift in stride(from: 56, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
    func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }
    var w = [UInt32](repeating: 0, count: 64)
    for block in stride(from: 0, to: message.count, by: 64) {
        for t in 0..<16 {
            let i = block + 4 * t
            w[t] = UInt32(message[i]) << 24 | UInt32(message[i + 1]) << 16 | UInt32(message[i + 2]) << 8 | UInt32(message[i + 3])
        }
        for t in 16..<64 {
            let s0 = rotate(w[t - 15], 7) ^ rotate(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotate(w[t - 2], 17) ^ rotate(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        for t in 0..<64 {
            let t1 = hh &+ (rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[t] &+ w[t]
            let t2 = (rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
            (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        for (index, value) in [a, b, c, d, e, f, g, hh].enumerated() { h[index] = h[index] &+ value }
    }
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for word in h {
        for shift in stride(from: 28, through: 0, by: -4) { text.append(digits[Int(word >> UInt32(shift) & 15)]) }
    }
    return String(decoding: text, as: UTF8.self)
}

// The known answer for "abc" guards the digest the runtime will check the extracted file against.
guard sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" else {
    fail("SHA-256 self-check failed")
}
let library = readFile(binaryPath)
let digest = sha256Hex(library)

let generated = """
    // Generated by the EmbedPreloadLibrary plugin (\(kind)): do not edit.
    enum \(enumName) {
        static let byteCount = \(library.count)
        static let sha256Hex = "\(digest)"
        static let base64: StaticString = "\(base64(library))"
    }

    """

guard let output = fopen(outputPath, "wb") else { fail("cannot write \(outputPath)") }
let written = fwrite(generated, 1, generated.utf8.count, output)
guard written == generated.utf8.count, fclose(output) == 0 else { fail("cannot write \(outputPath)") }
