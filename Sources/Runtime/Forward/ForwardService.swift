import Logging
import NetconRPC
import RelayProtocols
import SystemPackage

/// A node's port forwards on one event loop: `netcon forward`'s rules, or the daemon's from `<home>/forwards.conf`.
/// Rules are independent: one that cannot start (its port is taken) fails alone.
final class ForwardService {
    private let context: ForwardContext
    private var forwards: [ForwardRule: Forward] = [:]
    /// Loop thread, when the node closed a forward's socket (the node stopped under `netcon forward`).
    var onLost: ((ForwardRule) -> Void)?

    static let defaultUDPIdleSeconds = 60

    init(home: NodeHome, loop: EventLoop, logger: Logger, udpIdleSeconds: Int = ForwardService.defaultUDPIdleSeconds) {
        context = ForwardContext(loop: loop, virtual: VirtualSockets(home: home), workers: RelayWorkers(limit: 64), logger: logger,
                                 udpIdleMilliseconds: Int64(udpIdleSeconds) * 1000)
    }

    /// Loop thread (or before it runs). Returns where the rule listens.
    @discardableResult
    func start(_ rule: ForwardRule) throws(NetconError) -> RPCEndpoint {
        let lost: () -> Void = { [weak self] in
            self?.forwards[rule] = nil
            self?.onLost?(rule)
        }
        do throws(Errno) {
            switch rule.transport {
            case .tcp:
                let forward = try TCPForward(rule, context: context, onLost: lost)
                try forward.start()
                forwards[rule] = forward
                return forward.local
            case .udp:
                let forward = try UDPForward(rule, context: context, onLost: lost)
                try forward.start()
                forwards[rule] = forward
                return forward.local
            }
        } catch {
            let side = rule.direction == .expose ? "the virtual network" : "the host"
            throw .listenUnavailable("\(rule): cannot listen on \(side) at \(EndpointText.format(rule.listen)): \(error)")
        }
    }

    /// The rules that could not start are tried again every `retryMilliseconds` until they do (the daemon's
    /// forwards.conf: a port still held by a program that is stopping, a virtual address not yet assigned).
    func startRetrying(_ rules: [ForwardRule], retryMilliseconds: Int64 = 5_000) {
        let failed = startEach(rules, failure: .error, "a forward cannot start; trying again every \(retryMilliseconds / 1000) s")
        retry(failed, every: retryMilliseconds)
    }

    private func retry(_ rules: [ForwardRule], every milliseconds: Int64) {
        guard !rules.isEmpty else { return }
        context.loop.schedule(afterMilliseconds: milliseconds) { [weak self] in
            guard let self else { return }
            retry(startEach(rules, failure: .debug, "a forward still cannot start"), every: milliseconds)
        }
    }

    /// Starts each rule; the ones that could not start, each logged at `level`.
    private func startEach(_ rules: [ForwardRule], failure level: Logger.Level, _ message: Logger.Message) -> [ForwardRule] {
        rules.filter { rule in
            do {
                let local = try start(rule)
                context.logger.info("forwarding", metadata: ["forward": "\(rule)", "listening": "\(local)"])
                return false
            } catch {
                context.logger.log(level: level, message, metadata: ["error": "\(error)"])
                return true
            }
        }
    }

    /// Loop thread.
    func closeAll() {
        for forward in forwards.values { forward.close() }
        forwards.removeAll()
    }

    /// The rules of `<home>/forwards.conf` (none when it does not exist).
    static func rules(in home: NodeHome) throws(NetconError) -> [ForwardRule] {
        guard let bytes = try HomeFile.read(home.forwardsFile, limit: 1 << 20) else { return [] }
        do {
            return try ForwardRuleFile.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw .configInvalid(path: home.forwardsFile, reason: error.description)
        }
    }

    /// The daemon's forwards, on a thread of their own; a rule that cannot start is tried again until it does.
    static func startThread(_ rules: [ForwardRule], home: NodeHome, logger: Logger) throws(NetconError) -> RunningForwards {
        let thread = try BridgeThread()
        let service = ForwardService(home: home, loop: thread.loop, logger: logger)
        let box = SendableBox(service)
        thread.loop.execute { box.value.startRetrying(rules) }
        thread.start()
        return RunningForwards(thread: thread, service: box)
    }
}

/// The daemon's forward thread, stopped before the socket bridge it talks to.
struct RunningForwards {
    fileprivate let thread: BridgeThread
    fileprivate let service: SendableBox<ForwardService>

    func stop() {
        let service = service
        thread.stop { service.value.closeAll() }
    }
}
