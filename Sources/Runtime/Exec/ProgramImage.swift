import Glibc

/// The program `netcon exec` is about to start: where it is and whether the dynamic loader will run for it
/// (an ELF with a PT_INTERP header; a script counts as dynamic, its interpreter is what runs).
struct ProgramImage: Equatable {
    let path: String
    let isDynamic: Bool

    /// Looks `name` up like execvp: a name with a slash as it is, else each directory of `searchPath`.
    static func find(_ name: String, searchPath: String?) throws(NetconError) -> ProgramImage {
        let candidates: [String]
        if name.contains("/") {
            candidates = [name]
        } else {
            let directories = (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
            candidates = directories.map { ($0.isEmpty ? "." : String($0)) + "/" + name }
        }
        var denied: String?
        for candidate in candidates {
            var status = stat()
            guard stat(candidate, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            guard access(candidate, X_OK) == 0 else {
                denied = candidate
                continue
            }
            return ProgramImage(path: candidate, isDynamic: Self.isDynamic(candidate))
        }
        if let denied { throw .programNotExecutable(denied, reason: "Permission denied") }
        throw .programNotFound(name)
    }

    /// ELF64 little-endian: a PT_INTERP program header. Anything else that can be executed (scripts) runs an
    /// interpreter, which is what the answer is about; an unreadable file is taken as static (the safe side).
    static func isDynamic(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 64)
        guard pread(fd, &header, 64, 0) == 64 else { return header.starts(with: [0x23, 0x21]) }
        if header.starts(with: [0x23, 0x21]) { return true }  // "#!"
        guard header.starts(with: [0x7f, 0x45, 0x4c, 0x46]), header[4] == 2, header[5] == 1 else { return false }
        func little(_ offset: Int, _ count: Int) -> UInt64 {
            (0..<count).reduce(UInt64(0)) { $0 | UInt64(header[offset + $1]) << (8 * UInt64($1)) }
        }
        let tableOffset = little(32, 8), entrySize = Int(little(54, 2)), entryCount = Int(little(56, 2))
        guard entrySize >= 4, entryCount > 0, entryCount < 4096 else { return false }
        var table = [UInt8](repeating: 0, count: entrySize * entryCount)
        guard pread(fd, &table, table.count, off_t(tableOffset)) == table.count else { return false }
        let interpreterType: UInt32 = 3  // PT_INTERP
        for index in 0..<entryCount {
            let base = index * entrySize
            let type = UInt32(table[base]) | UInt32(table[base + 1]) << 8 | UInt32(table[base + 2]) << 16 | UInt32(table[base + 3]) << 24
            if type == interpreterType { return true }
        }
        return false
    }
}
