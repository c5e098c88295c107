/// libFuzzer's entry point, also what the replay tool (`Replay.swift`) calls for each file.
///
/// Built with `-sanitize=fuzzer` and `-DNETCON_LIBFUZZER` (`make fuzz`), libFuzzer calls this for every input
/// it generates; in an ordinary build `Replay` is `main` and calls it for the files named on the command line.
/// Whatever the bytes, nothing here may trap: a trap is a bug in the parser (or a broken round trip, which
/// `FuzzCheck.require` turns into a trap on purpose).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for target in FuzzTarget.active { target.run(bytes) }
    return 0
}

/// The harness's own oracle: a failed check is reported like any other crash, with the reason on stderr.
enum FuzzCheck {
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    /// The stored properties in which `again` (a value after a round trip) differs from `value`, for a message.
    static func difference<Value>(_ value: Value, _ again: Value?) -> String {
        guard let again else { return "the second decoding failed" }
        let pairs = zip(Mirror(reflecting: value).children, Mirror(reflecting: again).children)
        let names = pairs.filter { String(describing: $0.0.value) != String(describing: $0.1.value) }
            .map { "\($0.0.label ?? "?"): \($0.0.value) became \($0.1.value)" }
        return names.isEmpty ? "no property differs in its description" : names.joined(separator: "; ")
    }

    static func fail(_ message: String) -> Never {
        fatalError("netcon fuzz check failed: \(message)")
    }
}

#if NETCON_LIBFUZZER
// The fuzzing build's `main`. SwiftPM links a Swift executable with `main` defined as `<module>_main`, so
// libFuzzer's own `main` cannot take over; this one hands the command line to libFuzzer's documented driver
// entry, `LLVMFuzzerRunDriver`, which parses libFuzzer's flags and runs the fuzzing loop. (It lives in this
// file because referencing a `@_cdecl` function from another file emits its C symbol a second time.)

@_extern(c, "LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("NetconFuzz_main")
func libFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    if argc == 3, let flag = argv?[1], String(cString: flag) == "--write-seeds", let directory = argv?[2] {
        do { try SeedCorpus.write(to: String(cString: directory)) } catch { print("NetconFuzz: \(error)"); return 73 }
        return 0
    }
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput)
}
#endif
