import CNetconSys
import Glibc
import NetconRPC
import NetStack
import SystemPackage

/// A virtual ICMP echo socket (ping): the program's messages go out through lwIP to their destinations, and the
/// echo replies and errors that arrive come back with their source in front, like an unconnected UDP socket's
/// datagrams. A "ping socket" (SOCK_DGRAM) hears only replies with the identifiers it sent, as the kernel's does;
/// a raw one hears them all, IPv4 ones with their IP header.
final class ICMPBridge: VirtualSocket, @unchecked Sendable {
    let inode: UInt64
    let domain: RPCDomain
    private let raw: Bool
    private let fd: OwnedDescriptor
    private let socket: ICMPSocket
    private let loop: EventLoop
    private let scratch: ScratchBuffer
    private let networks: VirtualNetworks
    private let onFinished: @Sendable (UInt64, Int32) -> Void
    /// Core lock: the echo identifiers a ping socket sent.
    private var identifiers: Set<UInt16> = []
    private var isGone = false

    init(domain: RPCDomain, raw: Bool, pair: SocketPair, loop: EventLoop, scratch: ScratchBuffer, networks: VirtualNetworks,
         onFinished: @escaping @Sendable (UInt64, Int32) -> Void) throws(NetStackError) {
        inode = pair.inode
        fd = pair.node
        self.domain = domain
        self.raw = raw
        self.loop = loop
        self.scratch = scratch
        self.networks = networks
        self.onFinished = onFinished
        socket = try ICMPSocket(v6: domain == .inet6)
        let destination = pair.node.rawValue
        socket.setReceiveHandler { [unowned self] message in deliver(message, to: destination) }
    }

    /// Bridge thread, once the program has its end.
    func start() throws(Errno) {
        try ProgramDatagrams.watch(fd.rawValue, on: loop, scratch: scratch, finished: { [self] in
            close()
            onFinished(inode, 0)
        }, datagram: { [self] in forward($0) })
    }

    /// lwIP's tcpip thread, core held.
    private func deliver(_ message: ICMPSocket.Message, to destination: CInt) {
        if !raw {
            // Replies carry the request's identifier (bytes 4 and 5); errors quote the request after 8 bytes of
            // their own and its IP header, which a ping socket does not see here.
            guard message.message.count >= 8, message.message[0] == (domain == .inet6 ? 129 : 0) else { return }
            let identifier = UInt16(message.message[4]) << 8 | UInt16(message.message[5])
            guard identifiers.contains(identifier) else { return }
        }
        let header = RPCDatagramHeader(peer: RPCEndpoint(address: RPCAddress(message.source), port: 0),
                                       local: RPCEndpoint(address: RPCAddress(message.destination), port: 0)).bytes
        let body = raw ? message.ipHeader + message.message : message.message
        let datagram = header + body
        _ = datagram.withUnsafeBytes { send(destination, $0.baseAddress, $0.count, netcon_msg_nosignal | Int32(MSG_DONTWAIT)) }
    }

    /// Bridge thread: one ICMP message of the program's, behind its destination.
    private func forward(_ message: UnsafeRawBufferPointer) {
        guard let header = try? RPCDatagramHeader(prefixOf: message), let address = header.peer.address,
              networks.interface(toward: address.engineAddress) != nil
        else { return }
        let payload = UnsafeRawBufferPointer(rebasing: message[RPCDatagramHeader.size...])
        guard payload.count >= 8 else { return }
        if !raw {
            let identifier = UInt16(payload[4]) << 8 | UInt16(payload[5])
            Stack.withCoreLock { _ = identifiers.insert(identifier) }
        }
        _ = try? socket.send(payload, to: address.stackAddress)
    }

    func describe(_ reply: @escaping (RPCReply) -> Void) {
        reply(RPCReply(operation: RPCRequest.describe(inode: inode).operation, kind: .icmp, domain: domain, inode: inode))
    }

    func close() {
        guard !isGone else { return }
        isGone = true
        socket.close()
        loop.unregister(fd.rawValue)
        fd.close()
    }
}
