import Glibc
import ControlPlane
import Logging
import ZeroTier

/// The node as the control plane sees it: identity, UDP port and joined networks, answering control
/// requests on the event loop. The ZeroTier engine and per-network stacks plug in here.
final class NodeService {
    let identity: Identity
    let home: NodeHome
    let socket: UDPSocket
    private let joined: JoinedNetworks
    private let logger: Logger
    private var networks: Set<NetworkID>

    init(identity: Identity, home: NodeHome, socket: UDPSocket, logger: Logger) throws(NetconError) {
        self.identity = identity
        self.home = home
        self.socket = socket
        self.logger = logger
        joined = JoinedNetworks(home: home)
        networks = Set(try joined.list())
        for network in networks.sorted() {
            logger.info("rejoining network", metadata: ["network.id": "\(network)"])
        }
    }

    func handle(_ request: ControlRequest) -> ControlResponse {
        do {
            switch request {
            case .status:
                return .status(status())
            case .join(let network):
                if try joined.join(network) {
                    logger.info("joined network", metadata: ["network.id": "\(network)"])
                }
                networks.insert(network)
                return .joined(networkStatus(network))
            case .leave(let network):
                let wasJoined = try joined.leave(network) || networks.contains(network)
                networks.remove(network)
                if wasJoined { logger.info("left network", metadata: ["network.id": "\(network)"]) }
                return .left(network, wasJoined: wasJoined)
            }
        } catch {
            return .failure(ControlFailure(.storage, error.description))
        }
    }

    func status() -> NodeStatus {
        NodeStatus(
            address: identity.address, version: NetconVersion.current, running: true, online: false,
            port: socket.port, pid: getpid(), home: home.path,
            networks: networks.sorted().map(networkStatus), peers: []
        )
    }

    private func networkStatus(_ network: NetworkID) -> NetworkStatus {
        .awaitingConfiguration(network, member: identity.address, state: .requestingConfiguration)
    }
}

extension NetworkStatus {
    /// A joined network whose config has not arrived (or cannot arrive, when no daemon runs).
    static func awaitingConfiguration(_ network: NetworkID, member: Address, state: State) -> NetworkStatus {
        NetworkStatus(
            id: network, name: "", mac: MAC(address: member, network: network), state: state, kind: .unknown,
            mtu: nil, assignedAddresses: []
        )
    }
}
