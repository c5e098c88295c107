import DNS
import FoundationEssentials
import Glibc
import ZeroTier

/// The host's name servers as the programs under `netcon exec` find them: /etc/resolv.conf (glibc's default,
/// 127.0.0.1 and ::1, when it names none), read when the node starts and again whenever the file changes (a DHCP
/// lease or a VPN rewrites it), as glibc itself does.
final class HostNameServers {
    private let path: String
    /// The file's modification time when it was last read (-1: there was none); nil before the first read.
    private var lastChange: Int64?

    static let checkMilliseconds: Int64 = 5_000

    init(path: String = ResolverConfiguration.path) {
        self.path = path
    }

    /// The servers, when the file changed since the last call (the first call always reads it).
    func readIfChanged() -> [IPAddress]? {
        var info = stat()
        let change = stat(path, &info) == 0 ? Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec) : -1
        guard change != lastChange else { return nil }
        lastChange = change
        let text = try? String(contentsOfFile: path, encoding: .utf8)
        return ResolverConfiguration.nameservers(in: text).compactMap { IPAddress($0) }
    }

}
