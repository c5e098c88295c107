import CNetconSys
import Glibc
import NetconRPC

/// The datagrams of a virtual UDP socket: each message is an `RPCDatagramHeader` (the peer) and the payload.
enum VirtualDatagrams {
    /// Sends `payload` to `peer`; `source` picks which of the node's addresses it leaves from.
    @discardableResult
    static func send(_ fd: CInt, to peer: RPCEndpoint, from source: RPCEndpoint? = nil, _ payload: UnsafeRawBufferPointer) -> Bool {
        var header = RPCDatagramHeader(peer: peer, local: source).bytes
        return header.withUnsafeMutableBytes { head in
            var vectors = [iovec(iov_base: head.baseAddress, iov_len: head.count),
                           iovec(iov_base: UnsafeMutableRawPointer(mutating: payload.baseAddress), iov_len: payload.count)]
            return vectors.withUnsafeMutableBufferPointer { vectors in
                var message = msghdr()
                message.msg_iov = vectors.baseAddress
                message.msg_iovlen = vectors.count
                return sendmsg(fd, &message, netcon_msg_nosignal | Int32(MSG_DONTWAIT)) == head.count + payload.count
            }
        }
    }

    enum Received {
        case datagram(RPCDatagramHeader, payload: Range<Int>)
        /// Nothing waits now.
        case none
        /// A message that is no datagram of ours: read on.
        case skipped
        /// The node closed the socket.
        case closed
    }

    /// The next datagram, read into `buffer`.
    static func receive(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) -> Received {
        let count = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
        if count < 0 { return errno == EAGAIN || errno == EINTR ? .none : .closed }
        if count == 0 { return .closed }
        guard let header = try? RPCDatagramHeader(prefixOf: UnsafeRawBufferPointer(rebasing: buffer[0..<count])) else { return .skipped }
        return .datagram(header, payload: RPCDatagramHeader.size..<count)
    }
}
