#if !NETCON_LIBFUZZER
import Foundation

/// The ordinary build of NetconFuzz: runs the fuzz entry point on files (a crash input libFuzzer saved, or a
/// whole corpus directory) without libFuzzer, so a crash reproduces under a debugger or in a plain build.
/// The fuzzing build (`make fuzz`) leaves this out and links libFuzzer's `main` instead.
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard !arguments.isEmpty, !arguments.contains(where: { $0 == "-h" || $0 == "--help" }) else {
            print("usage: NetconFuzz FILE|DIRECTORY…  (runs the fuzz target on each file; `make fuzz` fuzzes)")
            exit(arguments.isEmpty ? 64 : 0)
        }
        var count = 0
        for path in arguments {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("NetconFuzz: cannot read \(file)\n".utf8))
                    exit(66)
                }
                print("running \(file) (\(data.count) bytes)")
                let bytes = [UInt8](data)
                _ = bytes.withUnsafeBufferPointer { fuzzOneInput($0.baseAddress, $0.count) }
                count += 1
            }
        }
        print("ran \(count) input\(count == 1 ? "" : "s") without a crash")
    }

    /// The file itself, or a directory's regular files in name order.
    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [path] }
        return names.sorted().map { "\(path)/\($0)" }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }
}
#endif
