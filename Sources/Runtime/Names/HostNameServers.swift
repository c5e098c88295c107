import DNS
import FoundationEssentials
import Glibc
import ZeroTier

/// The host's name servers as the programs under `netcon exec` find them: /etc/resolv.conf (glibc's default,
/// 127.0.0.1 and ::1, when it names none), read when the node starts and again whenever the file changes (a DHCP
/// lease or a VPN rewrites it), as glibc itself does.
final class HostNameServers {
    private let path: String
    private var lastChange: timespec?

    static let checkMilliseconds: Int64 = 5_000

    init(path: String = ResolverConfiguration.path) {
        self.path = path
    }

    /// The servers, when the file changed since the last call (the first call always reads it).
    func readIfChanged() -> [IPAddress]? {
        var info = stat()
        let change: timespec? = stat(path, &info) == 0 ? info.st_mtim : nil
        if let lastChange, let change, lastChange.tv_sec == change.tv_sec, lastChange.tv_nsec == change.tv_nsec { return nil }
        if lastChange == nil, change == nil, readOnce { return nil }
        readOnce = true
        lastChange = change
        let text = try? String(contentsOfFile: path, encoding: .utf8)
        return ResolverConfiguration.nameservers(in: text).compactMap { IPAddress($0) }
    }

    private var readOnce = false
}
