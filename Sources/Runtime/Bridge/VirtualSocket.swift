import CNetconSys
import Glibc
import NetconRPC
import SystemPackage

/// One socket a program holds through the intercept library. The node keeps one end of an AF_UNIX pair,
/// the program the other; the program's end's inode names the socket in the RPC.
protocol VirtualSocket: AnyObject {
    var inode: UInt64 { get }
    /// Answers DESCRIBE (a connecting TCP socket answers once the outcome is known).
    func describe(_ reply: @escaping (RPCReply) -> Void)
    /// The node is shutting down: drop everything.
    func close()
}

/// The node's end and the program's end of a new virtual socket.
struct SocketPair {
    let node: OwnedDescriptor
    let program: OwnedDescriptor
    let inode: UInt64

    /// The node's end is non-blocking; the program's end starts blocking, as a new socket does.
    init(type: CInt) throws(Errno) {
        var fds: [CInt] = [-1, -1]
        try syscall { netcon_socketpair(type, &fds) }
        node = OwnedDescriptor(rawValue: fds[0])
        program = OwnedDescriptor(rawValue: fds[1])
        let flags = try syscall { fcntl(fds[0], F_GETFL) }
        try syscall { fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) }
        var inode: UInt64 = 0
        try syscall { netcon_socket_inode(fds[1], &inode) }
        self.inode = inode
    }
}

/// A 64 KiB buffer the bridge thread reads program bytes into before lwIP copies them (one per bridge,
/// used only on its thread).
final class ScratchBuffer {
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536 + RPCDatagramHeader.size, alignment: 16)
    deinit { bytes.deallocate() }
}
