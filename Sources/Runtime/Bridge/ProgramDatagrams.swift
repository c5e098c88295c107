import CNetconSys
import Glibc
import SystemPackage

/// The program's end of a datagram socket (UDP, ICMP) as the bridge thread reads it: a SEQPACKET descriptor
/// whose hang-up or end (a read of 0: the program closed its socket) finishes the socket, and whose datagrams
/// are read up to 64 per wake-up.
enum ProgramDatagrams {
    /// Registers `fd` on the loop: `datagram` gets each one the program sent, `finished` runs once at the end.
    static func watch(_ fd: CInt, on loop: EventLoop, scratch: ScratchBuffer, finished: @escaping () -> Void,
                      datagram: @escaping (UnsafeRawBufferPointer) -> Void) throws(Errno) {
        try loop.register(fd, for: .readable) { events in
            if events.rawValue & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                finished()
                return
            }
            for _ in 0..<64 {
                let count = recv(fd, scratch.bytes.baseAddress, scratch.bytes.count, Int32(MSG_DONTWAIT))
                if count < 0 {
                    if errno == EINTR { continue }
                    return
                }
                // An empty datagram reads the same as the end, and is not forwarded.
                if count == 0 {
                    finished()
                    return
                }
                datagram(UnsafeRawBufferPointer(rebasing: scratch.bytes[0..<count]))
            }
        }
    }
}
