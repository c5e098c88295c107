/// libFuzzer's entry point, also what the replay tool (`Replay.swift`) calls for each file.
///
/// Built with `-sanitize=fuzzer` and `-DNETCON_LIBFUZZER` (`make fuzz`), libFuzzer calls this for every input
/// it generates; in an ordinary build `Replay` is `main` and calls it for the files named on the command line.
/// Whatever the bytes, nothing here may trap: a trap is a bug in Sources/ZeroTier (or a broken round trip,
/// which `FuzzCheck.require` turns into a trap on purpose).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    ParserTargets.run(bytes)
    FuzzWorld.shared.run(bytes)
    return 0
}

/// The harness's own oracle: a failed check is reported like any other crash, with the reason on stderr.
enum FuzzCheck {
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("netcon fuzz check failed: \(message())") }
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
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput)
}
#endif
