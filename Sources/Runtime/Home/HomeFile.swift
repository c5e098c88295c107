import Glibc
import SystemPackage

/// Whole-file reads and crash-safe writes for the small files in a node's home.
public enum HomeFile {
    /// Reads a whole file; nil if it does not exist.
    public static func read(_ path: String, limit: Int = 16 << 20) throws(NetconError) -> [UInt8]? {
        let fd: CInt
        do {
            fd = try syscall { open(path, O_RDONLY | O_CLOEXEC) }
        } catch {
            if error == .noSuchFileOrDirectory { return nil }
            throw .io(path: path, errno: error)
        }
        defer { Glibc.close(fd) }
        var contents = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count: Int
            do {
                count = try syscall { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            } catch {
                throw .io(path: path, errno: error)
            }
            if count == 0 { return contents }
            contents += chunk[0..<count]
            if contents.count > limit { throw .io(path: path, errno: .fileTooLarge) }
        }
    }

    /// Writes `contents` to a temporary file beside `path`, flushes it, then renames it over `path`:
    /// readers see the old or the new file, never a torn one, even after kill -9 or power loss.
    public static func writeAtomically(_ path: String, _ contents: [UInt8], mode: mode_t) throws(NetconError) {
        let temporary = path + ".tmp.\(getpid())"
        do throws(Errno) {
            let fd = try syscall { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
            var failure: Errno?
            do {
                // fchmod as well: the umask may have narrowed `mode`, and an old temp file may have another.
                try syscall { fchmod(fd, mode) }
                var written = 0
                while written < contents.count {
                    let offset = written
                    written += try syscall { contents.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) } }
                }
                try syscall { fsync(fd) }
            } catch {
                failure = error
            }
            Glibc.close(fd)
            if let failure { throw failure }
            try syscall { rename(temporary, path) }
        } catch {
            unlink(temporary)
            throw .io(path: path, errno: error)
        }
        syncDirectory(of: path)
    }

    /// Removes a file; false if it was not there.
    @discardableResult
    public static func remove(_ path: String) throws(NetconError) -> Bool {
        if unlink(path) == 0 {
            syncDirectory(of: path)
            return true
        }
        if errno == ENOENT { return false }
        throw .io(path: path, errno: Errno(rawValue: errno))
    }

    /// Names of the entries of a directory (without "." and ".."); empty if it does not exist.
    public static func list(_ directory: String) throws(NetconError) -> [String] {
        guard let handle = opendir(directory) else {
            if errno == ENOENT { return [] }
            throw .io(path: directory, errno: Errno(rawValue: errno))
        }
        defer { closedir(handle) }
        var names = [String]()
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Makes a rename durable by flushing the directory entry itself.
    private static func syncDirectory(of path: String) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        Glibc.close(fd)
    }
}
