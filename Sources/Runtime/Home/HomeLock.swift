import CNetconSys
import Glibc
import SystemPackage

/// The advisory lock that makes one daemon per home. The kernel releases it when the process dies,
/// so a kill -9 leaves no stale lock behind; the file records the holder's pid for error messages.
public final class HomeLock {
    private let descriptor: OwnedDescriptor
    public let home: NodeHome

    private init(descriptor: OwnedDescriptor, home: NodeHome) {
        self.descriptor = descriptor
        self.home = home
    }

    public static func acquire(_ home: NodeHome) throws(NetconError) -> HomeLock {
        let path = home.lockFile
        let fd: CInt
        do {
            fd = try syscall { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
        } catch {
            throw .io(path: path, errno: error)
        }
        let owned = OwnedDescriptor(rawValue: fd)
        do {
            try syscall { flock(fd, LOCK_EX | LOCK_NB) }
        } catch {
            if error == .wouldBlock { throw .alreadyRunning(home: home.path, pid: holderPID(of: home)) }
            throw .io(path: path, errno: error)
        }
        let pid = Array("\(getpid())\n".utf8)
        ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return HomeLock(descriptor: owned, home: home)
    }

    /// The pid of the daemon holding the lock, if one does.
    public static func holderPID(of home: NodeHome) -> Int32? {
        guard let contents = try? HomeFile.read(home.lockFile, limit: 64) else { return nil }
        return Int32(String(decoding: contents, as: UTF8.self).trimmingWhitespace())
    }

    /// Whether some process holds the lock right now (probing without keeping it).
    public static func isHeld(_ home: NodeHome) -> Bool {
        let fd = open(home.lockFile, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    public func release() {
        descriptor.close()
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
