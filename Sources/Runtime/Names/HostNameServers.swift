import DNS
import FoundationEssentials
import ZeroTier

/// The host's name servers as the programs under `netcon exec` find them: /etc/resolv.conf, read when the node
/// starts (glibc's default, 127.0.0.1 and ::1, when it names none).
enum HostNameServers {
    static func read(path: String = ResolverConfiguration.path) -> [IPAddress] {
        let text = try? String(contentsOfFile: path, encoding: .utf8)
        return ResolverConfiguration.nameservers(in: text).compactMap { IPAddress($0) }
    }
}
