import ControlPlane
import Logging
import NetStack
import ZeroTier

/// Port 53 (UDP) of the node's addresses on the virtual networks, open while the node answers some network's
/// names as its controller: the stack's datagrams are answered on the service loop, where the controller's
/// records live, and the answer leaves from the address the query came to.
final class NameServer: @unchecked Sendable {
    // @unchecked: `socket` is touched on the service loop only; the stack's callback only reads `networks` (locked).
    private let loop: EventLoop
    private let networks: VirtualNetworks
    private let authority: NameAuthority
    private let logger: Logger
    private var socket: NetStack.UDPSocket?

    init(loop: EventLoop, networks: VirtualNetworks, store: ControllerStore, logger: Logger) {
        self.loop = loop
        self.networks = networks
        authority = NameAuthority(store: store)
        self.logger = logger
    }

    var isOpen: Bool { socket != nil }

    /// Service loop. Opens the port if it is not yet (a program of the node's may hold it: then it stays closed).
    func open() {
        guard socket == nil else { return }
        do {
            let socket = try NetStack.UDPSocket(port: 53)
            socket.setReceiveHandler { [unowned self] datagram in
                guard let network = networks.network(owning: ZeroTier.IPAddress(bytes: datagram.destination.bytes)!) else { return }
                loop.execute { [self] in answer(datagram, on: network) }
            }
            self.socket = socket
            logger.info("answering the names of the networks this node controls on port 53")
        } catch {
            logger.warning("cannot answer names: port 53 of the virtual networks is taken", metadata: ["error": "\(error)"])
        }
    }

    private func answer(_ datagram: NetStack.UDPSocket.Datagram, on network: NetworkID) {
        guard let socket, let reply = authority.answer(datagram.payload, on: network) else { return }
        reply.withUnsafeBytes { bytes in
            do {
                try socket.send(bytes, to: datagram.source.address, port: datagram.source.port, from: datagram.destination)
            } catch {
                logger.debug("name server: answer not sent", metadata: ["error": "\(error)"])
            }
        }
    }

    func close() {
        socket?.close()
        socket = nil
    }
}
