import CLwIP

/// One TCP connection on lwIP's raw API: a state enum and this one context per pcb; the pcb's callbacks are
/// set together (`attach`) and cleared together before it is closed or aborted (`detach`).
///
/// Back-pressure both ways:
/// - `send` copies only what fits into lwIP's send buffer and returns that count; after a short count,
///   `Handlers.writable` fires (from tcp_sent) once the buffer has drained to its low-water mark.
/// - `Handlers.receive` hands over bytes; lwIP's receive window only reopens as the consumer calls
///   `acknowledge(_:)` (tcp_recved), so a slow consumer slows the sender down.
///
/// Threads: every method may be called from any thread (it takes the core lock) — or from inside a handler,
/// which runs on the thread holding the core (usually the tcpip thread) and must not block. A connection
/// keeps itself alive while lwIP can call it back: until `close()`, `abort()` or its `closed` handler.
public final class TCPConnection: @unchecked Sendable {
    // @unchecked: the vars below are touched only with the lwIP core held.

    public enum Received: Sendable, Equatable {
        /// Bytes in order. Count them towards `acknowledge(_:)`.
        case data([UInt8])
        /// The peer shut down its sending side (FIN). Nothing follows; this side may still send.
        case endOfStream
    }

    /// The connection's callbacks, set together. They run on the thread holding the lwIP core.
    public struct Handlers: Sendable {
        public var receive: @Sendable (Received) -> Void
        /// The send buffer drained after `send` accepted less than it was given.
        public var writable: @Sendable () -> Void
        /// lwIP ended the connection: `.connectionReset` (RST), `.connectionAborted` (retransmissions
        /// exhausted, local address removed, data after `shutdown(.read)`), `.closed` (both directions shut
        /// down and the last ACK arrived). Not called after `close()` or `abort()`.
        public var closed: @Sendable (NetStackError) -> Void

        public init(
            receive: @escaping @Sendable (Received) -> Void,
            writable: @escaping @Sendable () -> Void = {},
            closed: @escaping @Sendable (NetStackError) -> Void = { _ in }
        ) {
            self.receive = receive
            self.writable = writable
            self.closed = closed
        }
    }

    public enum ShutdownDirection: Sendable {
        case read, write
    }

    public typealias ConnectCompletion = @Sendable (Result<TCPConnection, NetStackError>) -> Void

    private enum State {
        case connecting(ConnectCompletion?)
        case established
        /// Why: `.closed` after `close()`, the error otherwise.
        case closed(NetStackError)
    }

    private static let sendLowWater = Stack.limits.tcpSendLowWater

    private var state: State
    private var pcb: UnsafeMutablePointer<tcp_pcb>?
    private var handlers: Handlers?
    /// What arrived before `setHandlers` (an accepted connection), bounded by the receive window.
    private var pending: [Received] = []
    private var pendingClosed: NetStackError?
    /// Bytes handed to `receive` and not yet acknowledged: lwIP's window is short by this much.
    private var unacknowledged = 0
    private var wantsWritable = false
    private var writeShutdown = false
    /// The pcb this object aborted, so the lwIP callback running at that moment returns ERR_ABRT.
    private var abortedPCB: UnsafeMutablePointer<tcp_pcb>?
    private var local: IPEndpoint?
    private var remote: IPEndpoint?
    /// A pcb `close()` handed to lwIP while its last bytes were still in flight: its sent and err callbacks
    /// (and the reference they hold) stay until the peer has every byte, for loss recovery's sake.
    private var drainingPCB: UnsafeMutablePointer<tcp_pcb>?
    private var isn: UInt32 = 0
    /// Loss recovery on netcon's clock (see `TCPRecoveryTicker`), and the connection's SACK state. On the heap:
    /// while the connection uses SACK, the link layer finds it by its addresses (`tcp_sack.c`).
    private let recovery: UnsafeMutablePointer<netcon_tcp_recovery> = {
        let state = UnsafeMutablePointer<netcon_tcp_recovery>.allocate(capacity: 1)
        state.initialize(to: netcon_tcp_recovery())
        return state
    }()
    var isWatchedForRecovery = false
    /// Bytes received during the current input batch, not yet handed to `receive` (see `InputBatch`).
    private var collected: [UInt8] = []
    var isCollectingInBatch = false

    private init(state: State, handlers: Handlers?) {
        self.state = state
        self.handlers = handlers
    }

    deinit {
        // A pcb holds a reference until it lets go of the state, so this is only a safety net.
        if recovery.pointee.sack != 0 { Stack.withCoreLock { netcon_tcp_recovery_stop(recovery) } }
        recovery.deallocate()
    }

    // MARK: Connecting

    /// Starts connecting. `completion` runs once, on the thread holding the core: the connection once
    /// established, or `.connectionRefused` (RST), `.timedOut` (`timeout`, or lwIP's SYN retries — about
    /// a minute and a half), `.networkUnreachable`. Throws at once when nothing can be sent: `interface`
    /// closed, down, link down or without an address of that family (`.networkUnreachable`).
    /// Without `interface`, lwIP routes by destination only.
    @discardableResult
    public static func connect(
        to address: IPAddress, port: UInt16, via interface: NetworkInterface? = nil, timeout: Duration? = nil,
        handlers: Handlers, completion: @escaping ConnectCompletion
    ) throws(NetStackError) -> TCPConnection {
        let connection = TCPConnection(state: .connecting(completion), handlers: handlers)
        try Stack.withCoreLock { () throws(NetStackError) in
            try connection.startConnecting(to: address, port: port, via: interface, timeout: timeout)
        }
        return connection
    }

    /// `connect` as an async call.
    public static func connect(
        to address: IPAddress, port: UInt16, via interface: NetworkInterface? = nil, timeout: Duration? = nil,
        handlers: Handlers
    ) async throws(NetStackError) -> TCPConnection {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<TCPConnection, NetStackError>, Never>) in
            do throws(NetStackError) {
                try connect(to: address, port: port, via: interface, timeout: timeout, handlers: handlers) {
                    continuation.resume(returning: $0)
                }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }

    /// Core held.
    private func startConnecting(to address: IPAddress, port: UInt16, via interface: NetworkInterface?,
                                 timeout: Duration?) throws(NetStackError) {
        var netif: UnsafeMutablePointer<netif>?
        if let interface {
            guard interface.canSend(to: address), let bound = interface.lwipNetif else {
                state = .closed(.networkUnreachable)
                throw .networkUnreachable
            }
            netif = bound
        }
        // Each connect takes an ephemeral port, and pcbs in TIME-WAIT hold theirs: keep them within bounds.
        netcon_tcp_limit_time_wait()
        guard let pcb = tcp_new_ip_type(address.lwipType) else {
            state = .closed(.outOfMemory)
            throw .outOfMemory
        }
        if let netif { tcp_bind_netif(pcb, netif) }
        attach(pcb)
        let err = address.withLwIP(zone: netif) { destination in
            let bound = netcon_tcp_bind_local_port(pcb, destination, port)
            guard bound == LwIPError.ok else { return bound }
            return tcp_connect(pcb, destination, port) { context, pcb, _ in
                let connection = Unmanaged<TCPConnection>.fromOpaque(context!).takeUnretainedValue()
                return connection.lwipConnected(pcb!)
            }
        }
        isn = pcb.pointee.lastack &+ 1
        if err != LwIPError.ok {
            detach(pcb)
            if tcp_close(pcb) != LwIPError.ok { tcp_abort(pcb) }
            state = .closed(NetStackError(lwip: err))
            throw NetStackError(lwip: err)
        }
        netcon_lwip_tcp_quick_first_syn(pcb)
        TCPRecoveryTicker.watch(self)
        if let timeout {
            let milliseconds = timeout.components.seconds * 1000
                + timeout.components.attoseconds / 1_000_000_000_000_000
            sys_timeout(UInt32(clamping: max(1, milliseconds)), { context in
                Unmanaged<TCPConnection>.fromOpaque(context!).takeRetainedValue().connectTimedOut()
            }, Unmanaged.passRetained(self).toOpaque())
        }
    }

    private func lwipConnected(_ pcb: UnsafeMutablePointer<tcp_pcb>) -> err_t {
        guard case .connecting(let completion) = state else { return result(for: pcb) }
        state = .established
        recordEndpoints(pcb)
        netcon_tcp_recovery_start(recovery, pcb, netcon_lwip_tcp_widen(pcb))
        completion?(.success(self))
        return result(for: pcb)
    }

    /// The connect timer (tcpip thread, core held).
    private func connectTimedOut() {
        guard case .connecting(let completion) = state, let pcb else { return }
        detach(pcb)
        tcp_abort(pcb)
        state = .closed(.timedOut)
        handlers = nil
        completion?(.failure(.timedOut))
    }

    // MARK: Accepting

    /// Core held: wraps a pcb lwIP just accepted.
    static func accepted(_ pcb: UnsafeMutablePointer<tcp_pcb>) -> TCPConnection {
        let connection = TCPConnection(state: .established, handlers: nil)
        connection.attach(pcb)
        connection.recordEndpoints(pcb)
        netcon_tcp_recovery_start(connection.recovery, pcb, netcon_lwip_tcp_widen(pcb))
        return connection
    }

    // MARK: Handlers

    /// Sets the callbacks (an accepted connection starts without any; what arrived meanwhile is delivered
    /// now, inside this call). Replaces earlier ones.
    public func setHandlers(_ handlers: Handlers) {
        Stack.withCoreLock {
            if case .closed = state, pendingClosed == nil, pending.isEmpty { return }
            self.handlers = handlers
            let backlog = pending
            pending = []
            for event in backlog { handlers.receive(event) }
            if let failure = pendingClosed {
                pendingClosed = nil
                self.handlers = nil
                handlers.closed(failure)
            }
        }
    }

    // MARK: Sending and receiving

    /// Copies as much of `bytes` as lwIP's send buffer takes and starts sending it; returns that count
    /// (0 when the buffer is full). After a short count, `Handlers.writable` fires when there is room again.
    /// Throws `.notConnected` while connecting, the reason after the connection ended, `.closed` after
    /// `shutdown(.write)`.
    public func send(_ bytes: UnsafeRawBufferPointer) throws(NetStackError) -> Int {
        try Stack.withCoreLock { () throws(NetStackError) -> Int in
            switch state {
            case .connecting: throw .notConnected
            case .closed(let reason): throw reason
            case .established: break
            }
            guard let pcb, !writeShutdown else { throw .closed }
            guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
            var accepted = 0
            while accepted < bytes.count {
                let room = min(Int(netcon_lwip_tcp_sndbuf(pcb)), bytes.count - accepted, Int(UInt16.max))
                if room == 0 || netcon_lwip_tcp_sndqueue_free(pcb) == 0 { break }
                let err = tcp_write(pcb, base + accepted, UInt16(room), UInt8(TCP_WRITE_FLAG_COPY))
                if err == LwIPError.memory { break }
                if err != LwIPError.ok {
                    if accepted > 0 { break }
                    throw NetStackError(lwip: err)
                }
                accepted += room
            }
            if accepted > 0 {
                let before = pcb.pointee.snd_nxt
                _ = tcp_output(pcb)
                netcon_tcp_recovery_sent(recovery, pcb, before)
                TCPRecoveryTicker.watch(self)
            }
            if accepted < bytes.count { wantsWritable = true }
            return accepted
        }
    }

    public func send(_ bytes: [UInt8]) throws(NetStackError) -> Int {
        try bytes.withUnsafeBytes { raw in Result { () throws(NetStackError) in try send(raw) } }.get()
    }

    public func send(_ bytes: ArraySlice<UInt8>) throws(NetStackError) -> Int {
        try bytes.withUnsafeBytes { raw in Result { () throws(NetStackError) in try send(raw) } }.get()
    }

    /// The consumer is done with `count` received bytes: lwIP may reopen its window by that much.
    public func acknowledge(_ count: Int) {
        precondition(count >= 0, "negative acknowledge")
        Stack.withCoreLock {
            let taken = min(count, unacknowledged)
            unacknowledged -= taken
            if let pcb { recved(pcb, taken) }
        }
    }

    private func recved(_ pcb: UnsafeMutablePointer<tcp_pcb>, _ count: Int) {
        netcon_lwip_tcp_recved(pcb, &recovery.pointee.window_share, UInt32(clamping: count))
    }

    /// Disables (true) or enables Nagle's algorithm.
    public func setNoDelay(_ noDelay: Bool) {
        Stack.withCoreLock { if let pcb { netcon_lwip_tcp_set_nodelay(pcb, noDelay ? 1 : 0) } }
    }

    /// Turns TCP keepalive probes on or off.
    public func setKeepAlive(_ keepAlive: Bool) {
        Stack.withCoreLock { if let pcb { netcon_lwip_tcp_set_keepalive(pcb, keepAlive ? 1 : 0) } }
    }

    // MARK: Ending

    /// `.write`: sends FIN after what is queued; receiving goes on. `.read`: lwIP takes no more data — if
    /// the peer sends any, lwIP resets the connection (`closed(.connectionAborted)`). Both: use `close()`.
    public func shutdown(_ direction: ShutdownDirection) throws(NetStackError) {
        try Stack.withCoreLock { () throws(NetStackError) in
            guard case .established = state, let pcb else { throw .notConnected }
            switch direction {
            case .write:
                guard !writeShutdown else { return }
                try LwIPError.check(tcp_shutdown(pcb, 0, 1))
                writeShutdown = true
            case .read:
                try LwIPError.check(tcp_shutdown(pcb, 1, 0))
            }
        }
    }

    /// Orderly close: what was received counts as acknowledged (else lwIP would answer with RST), the
    /// callbacks are cleared, FIN goes out after queued data and lwIP finishes the handshake on its own.
    /// If lwIP cannot close (out of memory) the connection is aborted instead. A pending connect completes
    /// with `.closed`. Idempotent.
    public func close() {
        Stack.withCoreLock {
            let previous = state
            if case .closed = previous {} else { state = .closed(.closed) }
            handlers = nil
            pending = []
            collected = []
            pendingClosed = nil
            if let pcb {
                if unacknowledged > 0 { recved(pcb, unacknowledged) }
                unacknowledged = 0
                netcon_lwip_tcp_narrow_for_close(pcb, &recovery.pointee.window_share)
                if case .established = previous, netcon_lwip_tcp_has_data_in_flight(pcb) != 0 {
                    // The bytes still going out keep netcon's loss recovery until the peer has them all:
                    // lwIP's own timer would take seconds per loss at the end of every transfer.
                    tcp_recv(pcb, nil)
                    self.pcb = nil
                    if tcp_close(pcb) == LwIPError.ok {
                        drainingPCB = pcb
                        TCPRecoveryTicker.watch(self)
                    } else {
                        finishDraining(pcb)
                        tcp_abort(pcb)
                        abortedPCB = pcb
                    }
                } else {
                    detach(pcb)
                    if tcp_close(pcb) != LwIPError.ok {
                        tcp_abort(pcb)
                        abortedPCB = pcb
                    }
                }
            }
            if case .connecting(let completion) = previous { completion?(.failure(.closed)) }
        }
    }

    /// Resets the connection (RST) and frees it at once. A pending connect completes with
    /// `.connectionAborted`. Idempotent.
    public func abort() {
        Stack.withCoreLock {
            let previous = state
            if case .closed = previous {} else { state = .closed(.connectionAborted) }
            handlers = nil
            pending = []
            collected = []
            pendingClosed = nil
            if let pcb {
                detach(pcb)
                tcp_abort(pcb)
                abortedPCB = pcb
            }
            if case .connecting(let completion) = previous { completion?(.failure(.connectionAborted)) }
        }
    }

    // MARK: State

    public var isEstablished: Bool {
        Stack.withCoreLock { if case .established = state, pcb != nil { true } else { false } }
    }

    /// The local address and port, known once established.
    public var localEndpoint: IPEndpoint? { Stack.withCoreLock { local } }
    /// The peer's address and port, known once established.
    public var remoteEndpoint: IPEndpoint? { Stack.withCoreLock { remote } }
    /// The sequence number this side's SYN carried (RFC 6528's, see CLwIP's tcp_isn.c); 0 for an accepted one.
    public var initialSequenceNumber: UInt32 { Stack.withCoreLock { isn } }

    private func recordEndpoints(_ pcb: UnsafeMutablePointer<tcp_pcb>) {
        var localAddress = ip_addr_t(), remoteAddress = ip_addr_t()
        var localPort: UInt16 = 0, remotePort: UInt16 = 0
        netcon_lwip_tcp_endpoints(pcb, &localAddress, &localPort, &remoteAddress, &remotePort)
        local = IPEndpoint(address: IPAddress(lwip: &localAddress), port: localPort)
        remote = IPEndpoint(address: IPAddress(lwip: &remoteAddress), port: remotePort)
    }

    // MARK: lwIP callbacks (core held)

    /// Sets every callback and the argument (a retained reference to self) together.
    private func attach(_ pcb: UnsafeMutablePointer<tcp_pcb>) {
        self.pcb = pcb
        tcp_arg(pcb, Unmanaged.passRetained(self).toOpaque())
        tcp_recv(pcb) { context, pcb, p, err in
            guard let context, let pcb else {
                if let p { pbuf_free(p) }
                return LwIPError.ok
            }
            return Unmanaged<TCPConnection>.fromOpaque(context).takeUnretainedValue().lwipReceived(pcb, p, err)
        }
        tcp_sent(pcb) { context, pcb, _ in
            guard let context, let pcb else { return LwIPError.ok }
            return Unmanaged<TCPConnection>.fromOpaque(context).takeUnretainedValue().lwipSent(pcb)
        }
        tcp_err(pcb) { context, err in
            guard let context else { return }
            // The pcb is already freed; the reference the pcb held comes back here.
            Unmanaged<TCPConnection>.fromOpaque(context).takeRetainedValue().lwipFailed(err)
        }
    }

    /// Lets go of the connection's pcb: no callback comes from it any more.
    private func detach(_ pcb: UnsafeMutablePointer<tcp_pcb>) {
        netcon_tcp_recovery_stop(recovery)
        self.pcb = nil
        releaseCallbacks(of: pcb)
    }

    /// Clears the pcb's callbacks and argument and gives back the reference they held.
    private func releaseCallbacks(of pcb: UnsafeMutablePointer<tcp_pcb>) {
        tcp_arg(pcb, nil)
        tcp_recv(pcb, nil)
        tcp_sent(pcb, nil)
        tcp_err(pcb, nil)
        Unmanaged.passUnretained(self).release()
    }

    /// Core held: for the listener's accept callback, whether the accept handler aborted this pcb.
    func isAborted(_ pcb: UnsafeMutablePointer<tcp_pcb>) -> Bool { result(for: pcb) == LwIPError.aborted }

    /// What a callback for `pcb` returns: ERR_ABRT when this object aborted it meanwhile.
    private func result(for pcb: UnsafeMutablePointer<tcp_pcb>) -> err_t {
        guard abortedPCB == pcb else { return LwIPError.ok }
        abortedPCB = nil
        return LwIPError.aborted
    }

    private func lwipReceived(_ pcb: UnsafeMutablePointer<tcp_pcb>, _ p: UnsafeMutablePointer<pbuf>?,
                              _ err: err_t) -> err_t {
        guard let p else {
            deliver(.endOfStream)
            return result(for: pcb)
        }
        let count = Int(p.pointee.tot_len)
        let collecting = InputBatch.collects(for: self)
        var piece: UnsafeMutablePointer<pbuf>? = p
        while let buffer = piece {
            collected.append(contentsOf: UnsafeRawBufferPointer(start: buffer.pointee.payload, count: Int(buffer.pointee.len)))
            piece = buffer.pointee.next
        }
        pbuf_free(p)
        unacknowledged += count
        // The ACK lwIP holds back for a second segment goes out within a tick, not its 250 ms timer.
        if netcon_tcp_recovery_received(pcb, UInt16(count)) != 0 { TCPRecoveryTicker.watch(self) }
        if !collecting { deliverCollected() }
        return result(for: pcb)
    }

    /// Core held: hands what arrived since the last hand-over to `receive`, as one chunk.
    func deliverCollected() {
        guard !collected.isEmpty else { return }
        let bytes = collected
        collected = []
        deliver(.data(bytes))
    }

    private func deliver(_ event: Received) {
        if case .endOfStream = event { deliverCollected() }
        if let handlers {
            handlers.receive(event)
        } else {
            pending.append(event)
        }
    }

    private func lwipSent(_ pcb: UnsafeMutablePointer<tcp_pcb>) -> err_t {
        netcon_tcp_recovery_acked(recovery, pcb)
        if pcb == drainingPCB {
            // Before lwIP frees a closed pcb whose last ACK arrived it calls this, never its err callback.
            if netcon_lwip_tcp_has_data_in_flight(pcb) == 0 { finishDraining(pcb) }
            return LwIPError.ok
        }
        if wantsWritable, Int(netcon_lwip_tcp_sndbuf(pcb)) >= Self.sendLowWater || pcb.pointee.unacked == nil {
            wantsWritable = false
            handlers?.writable()
        }
        return result(for: pcb)
    }

    /// Core held, from `TCPRecoveryTicker`: false once there is nothing left to watch.
    func recoveryTick() -> Bool {
        if let drainingPCB {
            guard netcon_lwip_tcp_has_data_in_flight(drainingPCB) != 0 else {
                finishDraining(drainingPCB)
                return false
            }
            _ = netcon_tcp_recovery_tick(recovery, drainingPCB)
            return true
        }
        if let pcb, case .connecting = state { return netcon_lwip_tcp_syn_tick(pcb) != 0 }
        guard let pcb, case .established = state else { return false }
        return netcon_tcp_recovery_tick(recovery, pcb) != 0 || pcb.pointee.flags & UInt16(TF_ACK_DELAY) != 0
    }

    /// The draining pcb's last byte is acknowledged (or it must go at once): lwIP finishes the close alone.
    private func finishDraining(_ pcb: UnsafeMutablePointer<tcp_pcb>) {
        netcon_tcp_recovery_stop(recovery)
        drainingPCB = nil
        releaseCallbacks(of: pcb)
    }

    private func lwipFailed(_ err: err_t) {
        netcon_tcp_recovery_stop(recovery)  // lwIP freed the pcb
        pcb = nil
        drainingPCB = nil
        let previous = state
        switch previous {
        case .connecting(let completion):
            let reason: NetStackError =
                err == LwIPError.reset ? .connectionRefused
                : err == LwIPError.aborted ? .timedOut : NetStackError(lwip: err)
            state = .closed(reason)
            handlers = nil
            completion?(.failure(reason))
        case .established:
            deliverCollected()
            let reason: NetStackError = err == LwIPError.reset ? .connectionReset : NetStackError(lwip: err)
            state = .closed(reason)
            if let handlers {
                self.handlers = nil
                handlers.closed(reason)
            } else {
                pendingClosed = reason
            }
        case .closed:
            break
        }
    }
}
