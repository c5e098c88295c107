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
            print("""
                usage: NetconFuzz FILE|DIRECTORY…  (runs the fuzz targets on each file; `make fuzz` fuzzes)
                A file in a directory named after a target (\(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))
                runs that target only; others run the targets NETCON_FUZZ_TARGET names, all by default.
                """)
            exit(arguments.isEmpty ? 64 : 0)
        }
        if arguments.first == "--write-seeds" {
            guard arguments.count == 2, let directory = arguments.last else { print("usage: NetconFuzz --write-seeds DIR"); exit(64) }
            do { try SeedCorpus.write(to: directory) } catch { print("NetconFuzz: \(error)"); exit(73) }
            return
        }
        var count = 0
        for path in arguments {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("NetconFuzz: cannot read \(file)\n".utf8))
                    exit(66)
                }
                let parent = URL(fileURLWithPath: file).deletingLastPathComponent().lastPathComponent
                FuzzTarget.active = FuzzTarget(rawValue: parent).map { [$0] } ?? FuzzTarget.fromEnvironment()
                print("running \(file) (\(data.count) bytes) on \(FuzzTarget.active.map(\.rawValue).joined(separator: ","))")
                let bytes = [UInt8](data)
                _ = bytes.withUnsafeBufferPointer { fuzzOneInput($0.baseAddress, $0.count) }
                count += 1
            }
        }
        print("ran \(count) input\(count == 1 ? "" : "s") without a crash")
    }

    /// The file itself, or a directory's regular files and those of its subdirectories, in name order.
    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [path] }
        return names.sorted().filter { !$0.hasPrefix(".") }.flatMap { files(at: "\(path)/\($0)") }
    }
}
#endif
