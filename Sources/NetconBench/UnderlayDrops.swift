import Glibc

/// Datagrams the kernel dropped for a full socket receive buffer, machine-wide (`RcvbufErrors` of the `Udp:`
/// line in /proc/net/snmp): during a phase of the bench, what the underlay itself lost between the nodes.
func kernelUDPReceiveBufferDrops() -> Int {
    guard let file = fopen("/proc/net/snmp", "r") else { return 0 }
    defer { fclose(file) }
    var names: [Substring] = []
    var line: UnsafeMutablePointer<CChar>? = nil
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, file) > 0 {
        let fields = String(cString: line!).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.first == "Udp:" else { continue }
        if names.isEmpty { names = fields; continue }
        guard let index = names.firstIndex(of: "RcvbufErrors"), index < fields.count else { return 0 }
        return Int(fields[index]) ?? 0
    }
    return 0
}
