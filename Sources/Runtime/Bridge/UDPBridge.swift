import CNetconSys
import Glibc
import NetconRPC
import NetStack
import SystemPackage

/// A virtual UDP socket: lwIP's datagrams go to the program's SEQPACKET end with their source in front
/// (bare once connected), and the program's datagrams to lwIP. A datagram the program's buffer cannot take
/// is dropped, as a full kernel socket buffer drops it.
final class UDPBridge: VirtualSocket, @unchecked Sendable {
    let inode: UInt64
    let domain: RPCDomain
    let local: RPCEndpoint
    private let fd: OwnedDescriptor
    private let socket: NetStack.UDPSocket
    private let loop: EventLoop
    private let scratch: ScratchBuffer
    private let networks: VirtualNetworks
    private let resolver: ResolverStub
    /// The program runs under --isolate: the resolver answers it only the virtual networks' names.
    private let isolated: Bool
    private let onFinished: @Sendable (UInt64, Int32) -> Void
    /// Core lock: the connected peer, whose datagrams alone are delivered, without a header.
    private var peer: RPCEndpoint?
    /// Bridge thread: the same peer, for the program's datagrams (read per datagram without the core lock).
    private var bridgePeer: RPCEndpoint?
    private var isGone = false

    init(local: RPCEndpoint, domain: RPCDomain, v6Only: Bool, reuse: Bool, isolated: Bool, pair: SocketPair, loop: EventLoop,
         scratch: ScratchBuffer, networks: VirtualNetworks, resolver: ResolverStub,
         onFinished: @escaping @Sendable (UInt64, Int32) -> Void) throws(NetStackError) {
        inode = pair.inode
        fd = pair.node
        self.domain = domain
        self.loop = loop
        self.scratch = scratch
        self.networks = networks
        self.resolver = resolver
        self.isolated = isolated
        self.onFinished = onFinished
        let address: NetStack.IPAddress? = local.address?.stackAddress
            ?? (domain == .inet ? .v4(.any) : v6Only ? .v6(.any) : nil)
        socket = try NetStack.UDPSocket(address: address, port: local.port, reuseAddress: reuse)
        self.local = RPCEndpoint(address: local.address, port: socket.localPort)
        let destination = pair.node.rawValue
        socket.setReceiveHandler { [unowned self] datagram in deliver(datagram, to: destination) }
    }

    /// Bridge thread, once the program has its end.
    func start() throws(Errno) {
        try ProgramDatagrams.watch(fd.rawValue, on: loop, scratch: scratch, finished: { [self] in
            close()
            onFinished(inode, 0)
        }, datagram: { [self] in forward($0) })
    }

    /// lwIP's tcpip thread, core held.
    private func deliver(_ datagram: NetStack.UDPSocket.Datagram, to destination: CInt) {
        let source = RPCEndpoint(datagram.source)
        let flags = netcon_msg_nosignal | Int32(MSG_DONTWAIT)
        if let peer {
            // Bare payloads: an empty one would read as the end of the socket, so it is not passed on.
            guard source == peer, !datagram.payload.isEmpty else { return }
            _ = datagram.payload.withUnsafeBytes { send(destination, $0.baseAddress, $0.count, flags) }
        } else {
            // Header and payload leave in one sendmsg, without first copying them together.
            var header = RPCDatagramHeader(peer: source, local: RPCEndpoint(address: RPCAddress(datagram.destination), port: local.port)).bytes
            header.withUnsafeMutableBytes { head in
                datagram.payload.withUnsafeBytes { payload in
                    var vectors = [iovec(iov_base: head.baseAddress, iov_len: head.count),
                                   iovec(iov_base: UnsafeMutableRawPointer(mutating: payload.baseAddress), iov_len: payload.count)]
                    vectors.withUnsafeMutableBufferPointer { vectors in
                        var message = msghdr()
                        message.msg_iov = vectors.baseAddress
                        message.msg_iovlen = vectors.count
                        _ = sendmsg(destination, &message, flags)
                    }
                }
            }
        }
    }

    /// Bridge thread: one datagram of the program's.
    private func forward(_ message: UnsafeRawBufferPointer) {
        let destination: RPCEndpoint
        let payload: UnsafeRawBufferPointer
        var source: RPCAddress?
        if let connectedPeer = bridgePeer {
            destination = connectedPeer
            payload = message
        } else {
            guard let header = try? RPCDatagramHeader(prefixOf: message) else { return }
            destination = header.peer
            source = header.local?.address  // IP_PKTINFO's source, checked to be ours by the intercept rules
            payload = UnsafeRawBufferPointer(rebasing: message[RPCDatagramHeader.size...])
        }
        if networks.isResolver(destination) {
            resolver.resolve(Array(payload), sentTo: destination, isolated: isolated) { [weak self] answer in
                self?.deliverAnswer(answer, from: destination)
            }
            return
        }
        // An own address lies inside its network's prefix, so this covers datagrams to ourselves too.
        guard let address = destination.address, networks.interface(toward: address.engineAddress) != nil else { return }
        if let chosen = source, !networks.isLocal(chosen.engineAddress) { return }
        _ = try? socket.send(payload, to: address.stackAddress, port: destination.port, from: source?.stackAddress)
    }

    /// Bridge thread: the resolver's answer to a query the program sent to `server`, as if from there.
    private func deliverAnswer(_ answer: [UInt8], from server: RPCEndpoint) {
        guard !isGone else { return }
        let flags = netcon_msg_nosignal | Int32(MSG_DONTWAIT)
        if let connected = bridgePeer {
            guard connected == server else { return }
            _ = answer.withUnsafeBytes { send(fd.rawValue, $0.baseAddress, $0.count, flags) }
        } else {
            let message = RPCDatagramHeader(peer: server, local: RPCEndpoint(address: nil, port: local.port)).bytes + answer
            _ = message.withUnsafeBytes { send(fd.rawValue, $0.baseAddress, $0.count, flags) }
        }
    }

    /// `remote` nil disconnects. The lwIP socket is connected too, so that of several sockets sharing the port the
    /// connected one gets its peer's datagrams (iperf3 -u's server keeps one per stream).
    func connect(to remote: RPCEndpoint?) {
        if let address = remote?.address {
            try? socket.connect(to: IPEndpoint(address: address.stackAddress, port: remote!.port))
        } else {
            try? socket.connect(to: nil)
        }
        bridgePeer = remote
        Stack.withCoreLock { peer = remote }
    }

    func describe(_ reply: @escaping (RPCReply) -> Void) {
        let remote = bridgePeer
        reply(RPCReply(operation: RPCRequest.describe(inode: inode).operation, kind: .udp, domain: domain, inode: inode,
                       local: local, remote: remote, connected: remote != nil))
    }

    func close() {
        guard !isGone else { return }
        isGone = true
        socket.close()
        loop.unregister(fd.rawValue)
        fd.close()
    }
}
