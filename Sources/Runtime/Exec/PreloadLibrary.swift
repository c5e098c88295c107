import Glibc
import PreloadImage
import SystemPackage

/// The intercept library on disk for LD_PRELOAD, written from the copy embedded in the binary.
///
/// The file is content-addressed (`libnetcon-preload-<16 hex of its SHA-256>.so`, mode 0555) in a runtime
/// directory of ours (`$XDG_RUNTIME_DIR/netcon`, else `/tmp/netcon-<uid>`, 0711: others may pass, not list or write), so every netcon
/// build of the same library shares one file and a second run only checks it. Whatever is found there is
/// hashed before use: a file that does not match is replaced. When no directory can be used the library
/// lives in a memfd instead, named by `/proc/self/fd/N`, which the program inherits along with the path.
public struct PreloadLibrary: Sendable {
    /// What LD_PRELOAD should name.
    public let path: String
    /// The memfd behind `path` in the fallback case; it has no FD_CLOEXEC and must stay open until the
    /// program has been started.
    public let memfd: OwnedDescriptor?

    /// Installs the embedded library (or finds it installed) and returns where it is.
    public static func install() throws(NetconError) -> PreloadLibrary {
        try install(image: PreloadImage.bytes, sha256Hex: PreloadImage.sha256Hex, directories: runtimeDirectories())
    }

    /// `$XDG_RUNTIME_DIR/netcon` when XDG_RUNTIME_DIR names a directory we may write, then `/tmp/netcon-<uid>`.
    static func runtimeDirectories() -> [String] {
        var directories: [String] = []
        if let value = getenv("XDG_RUNTIME_DIR") {
            let runtime = String(cString: value)
            if runtime.hasPrefix("/") && access(runtime, W_OK | X_OK) == 0 { directories.append(runtime + "/netcon") }
        }
        directories.append("/tmp/netcon-\(getuid())")
        return directories
    }

    /// Readable and executable by every uid a program may become (a server that drops privileges and execs
    /// still loads the library), writable by nobody: the directory is ours and others may only pass through it.
    static let fileMode: mode_t = 0o555
    static let directoryMode: mode_t = 0o711

    static func fileName(sha256Hex: String) -> String { "libnetcon-preload-\(sha256Hex.prefix(16)).so" }

    static func install(image: [UInt8], sha256Hex: String, directories: [String],
                        name: String? = nil, memfdName: String = "libnetcon-preload")
        throws(NetconError) -> PreloadLibrary
    {
        for directory in directories {
            if let path = try? installFile(image: image, sha256Hex: sha256Hex, directory: directory, name: name) {
                return PreloadLibrary(path: path, memfd: nil)
            }
        }
        return try installMemfd(image: image, sha256Hex: sha256Hex, name: memfdName)
    }

    // MARK: - The file

    static func installFile(image: [UInt8], sha256Hex: String, directory: String, name: String? = nil) throws(Errno) -> String {
        try preparePrivateDirectory(directory)
        let name = name ?? fileName(sha256Hex: sha256Hex)
        let path = directory + "/" + name
        if try isIntact(path, sha256Hex: sha256Hex) { return path }

        let temporary = directory + "/.\(name).\(getpid()).tmp"
        _ = unlink(temporary)
        let file = OwnedDescriptor(rawValue: try syscall { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600) })
        do {
            try writeAll(file.rawValue, image)
            try syscall { fchmod(file.rawValue, Self.fileMode) }
            file.close()
            try syscall { rename(temporary, path) }
        } catch {
            file.close()
            _ = unlink(temporary)
            throw error
        }
        guard try isIntact(path, sha256Hex: sha256Hex) else { throw .ioError }
        return path
    }

    /// Creates the directory (0711) or accepts an existing one only if it is a real directory of ours; its
    /// mode is set to 0711 if needed. Anything else (another user's, a symlink) is refused.
    static func preparePrivateDirectory(_ directory: String) throws(Errno) {
        if mkdir(directory, Self.directoryMode) != 0 && errno != EEXIST { throw Errno(rawValue: errno) }
        var status = stat()
        try syscall { lstat(directory, &status) }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw .notDirectory }
        guard status.st_uid == getuid() else { throw .permissionDenied }
        if status.st_mode & 0o7777 != Self.directoryMode { try syscall { chmod(directory, Self.directoryMode) } }
    }

    /// Whether path is our regular 0555 file holding exactly the bytes whose SHA-256 is sha256Hex.
    /// A missing file is simply not intact.
    static func isIntact(_ path: String, sha256Hex: String) throws(Errno) -> Bool {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if descriptor < 0 { return false }
        let file = OwnedDescriptor(rawValue: descriptor)
        var status = stat()
        try syscall { fstat(file.rawValue, &status) }
        guard status.st_mode & S_IFMT == S_IFREG, status.st_uid == getuid(), status.st_mode & 0o7777 == Self.fileMode else {
            return false
        }
        return PreloadImage.sha256Hex(of: try readAll(file.rawValue)) == sha256Hex
    }

    // MARK: - The memfd fallback

    /// Swift's Glibc module leaves out glibc's _GNU_SOURCE declarations, memfd_create among them; it is
    /// looked up once in libc instead.
    private typealias MemfdCreate = @convention(c) (UnsafePointer<CChar>, CUnsignedInt) -> CInt
    private static let memfdCreate: MemfdCreate? = dlsym(nil, "memfd_create").map { unsafeBitCast($0, to: MemfdCreate.self) }
    private static let allowSealing: CUnsignedInt = 2  // MFD_ALLOW_SEALING
    private static let addSeals: CInt = 1033  // F_ADD_SEALS
    private static let allSeals: CInt = 1 | 2 | 4 | 8  // F_SEAL_SEAL, SHRINK, GROW, WRITE

    static func installMemfd(image: [UInt8], sha256Hex: String, name: String = "libnetcon-preload") throws(NetconError) -> PreloadLibrary {
        do throws(Errno) {
            guard let memfdCreate else { throw Errno.noFunction }
            // No MFD_CLOEXEC: the program must inherit it to open /proc/self/fd/N.
            let memfd = OwnedDescriptor(rawValue: try syscall { memfdCreate(name, allowSealing) })
            try writeAll(memfd.rawValue, image)
            _ = fcntl(memfd.rawValue, addSeals, allSeals)  // nobody may change it now; best effort
            try syscall { lseek(memfd.rawValue, 0, SEEK_SET) }
            guard PreloadImage.sha256Hex(of: try readAll(memfd.rawValue)) == sha256Hex else { throw Errno.ioError }
            return PreloadLibrary(path: "/proc/self/fd/\(memfd.rawValue)", memfd: memfd)
        } catch {
            throw .io(path: "memfd for \(name)", errno: error)
        }
    }

    // MARK: - I/O

    private static func writeAll(_ fd: CInt, _ bytes: [UInt8]) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let written = try syscall { bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) } }
            offset += written
        }
    }

    private static func readAll(_ fd: CInt) throws(Errno) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = try syscall { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) } }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }
}
