import Foundation
import Glibc
import PreloadImage
import Testing
@testable import Runtime

/// Extraction of the embedded library: content-addressed, private, checked by hash, reused, repaired, and a
/// memfd when no directory will do.
@Suite struct PreloadLibraryTests {
    let image = PreloadImage.bytes
    let hash = PreloadImage.sha256Hex

    func status(_ path: String) -> stat {
        var result = stat()
        lstat(path, &result)
        return result
    }

    func contents(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { Array($0) } }

    @Test func embeddedImageIsTheLibraryItClaims() {
        #expect(Array(image.prefix(4)) == [0x7f, 0x45, 0x4c, 0x46])  // ELF
        #expect(PreloadImage.sha256Hex(of: image) == hash)
        #expect(hash.count == 64)
        #expect(PreloadImage.sha256Hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func installsAContentAddressedPrivateFile() throws {
        let root = try PreloadTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/netcon"
        let library = try PreloadLibrary.install(image: image, sha256Hex: hash, directories: [directory])
        #expect(library.path == "\(directory)/libnetcon-preload-\(hash.prefix(16)).so")
        #expect(library.memfd == nil)
        #expect(status(library.path).st_mode & 0o7777 == 0o555)
        #expect(status(directory).st_mode & 0o7777 == 0o711)
        #expect(contents(library.path) == image)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [library.path.split(separator: "/").last.map(String.init)!])
    }

    @Test func secondInstallReusesTheFile() throws {
        let root = try PreloadTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try PreloadLibrary.install(image: image, sha256Hex: hash, directories: [root + "/netcon"])
        let before = status(first.path)
        let second = try PreloadLibrary.install(image: image, sha256Hex: hash, directories: [root + "/netcon"])
        let after = status(second.path)
        #expect(second.path == first.path)
        #expect(after.st_ino == before.st_ino)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
    }

    @Test func corruptedOrLooseFilesAreReplaced() throws {
        let root = try PreloadTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/netcon"
        let path = try PreloadLibrary.install(image: image, sha256Hex: hash, directories: [directory]).path

        // Same size, one byte different.
        chmod(path, 0o600)
        var damaged = image
        damaged[damaged.count / 2] ^= 0xff
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o555)
        #expect(try PreloadLibrary.install(image: image, sha256Hex: hash, directories: [directory]).path == path)
        #expect(contents(path) == image)

        // Right bytes, but writable by others.
        chmod(path, 0o755)
        #expect(try PreloadLibrary.install(image: image, sha256Hex: hash, directories: [directory]).path == path)
        #expect(status(path).st_mode & 0o7777 == 0o555)

        // A symlink in its place is not followed.
        unlink(path)
        let decoy = root + "/decoy.so"
        try Data(image).write(to: URL(fileURLWithPath: decoy))
        chmod(decoy, 0o555)
        symlink(decoy, path)
        #expect(try PreloadLibrary.install(image: image, sha256Hex: hash, directories: [directory]).path == path)
        #expect(status(path).st_mode & S_IFMT == S_IFREG)
        #expect(contents(path) == image)
    }

    @Test func looseDirectoryIsTightened() throws {
        let root = try PreloadTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/netcon"
        mkdir(directory, 0o755)
        chmod(directory, 0o777)
        _ = try PreloadLibrary.install(image: image, sha256Hex: hash, directories: [directory])
        #expect(status(directory).st_mode & 0o7777 == 0o711)
    }

    @Test func unusableDirectoriesFallBackToAMemfd() throws {
        let root = try PreloadTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Not creatable (its parent is a file), and a symlink to a directory of ours: neither is used.
        FileManager.default.createFile(atPath: root + "/file", contents: Data())
        mkdir(root + "/real", 0o700)
        symlink(root + "/real", root + "/link")
        let library = try PreloadLibrary.install(image: image, sha256Hex: hash, directories: [root + "/file/netcon", root + "/link"])
        let memfd = try #require(library.memfd)
        #expect(library.path == "/proc/self/fd/\(memfd.rawValue)")
        #expect(contents(library.path) == image)
        #expect(fcntl(memfd.rawValue, F_GETFD) & FD_CLOEXEC == 0)  // the program must inherit it
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/real").isEmpty)
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give a directory to another user"))
    func anotherUsersDirectoryIsRefused() throws {
        let root = try PreloadTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let foreign = root + "/foreign"
        mkdir(foreign, 0o700)
        chown(foreign, 65534, 65534)
        let library = try PreloadLibrary.install(image: image, sha256Hex: hash, directories: [foreign, root + "/mine"])
        #expect(library.path.hasPrefix(root + "/mine/"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: foreign).isEmpty)
    }

    @Test func defaultInstallUsesTheRuntimeDirectory() throws {
        let library = try PreloadLibrary.install()
        let expected = PreloadLibrary.runtimeDirectories().map { "\($0)/\(PreloadLibrary.fileName(sha256Hex: hash))" }
        #expect(expected.contains(library.path) || library.memfd != nil)
        #expect(contents(library.path) == image)
    }
}
