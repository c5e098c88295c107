import Logging

/// What every forward of a service shares: its loop, the node's RPC, the threads for blocking work, the logger.
struct ForwardContext {
    let loop: EventLoop
    let virtual: VirtualSockets
    let workers: RelayWorkers
    let logger: Logger
    let udpIdleMilliseconds: Int64

    /// Connecting to a forward's target waits this long (a virtual connect: the node's own limit, within it).
    static let connectTimeoutMilliseconds: Int32 = 10_000
}
