/// The name servers a resolv.conf names, as glibc reads them: `nameserver ADDRESS` lines (comments with # or ;),
/// at most three, and 127.0.0.1 when there is none.
public enum ResolverConfiguration {
    public static let path = "/etc/resolv.conf"
    /// glibc's MAXNS.
    public static let maxServers = 3

    /// The addresses' text, in order; `nil` text (no file) gives glibc's default as well.
    public static func nameservers(in text: String?) -> [String] {
        var servers: [String] = []
        for line in (text ?? "").split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver", servers.count < maxServers else { continue }
            // A scope ("fe80::1%eth0") is the host's business; the address is what a program sends to.
            let address = words[1].split(separator: "%", maxSplits: 1).first.map(String.init) ?? ""
            if !address.isEmpty { servers.append(address) }
        }
        return servers.isEmpty ? ["127.0.0.1", "::1"] : servers
    }
}
