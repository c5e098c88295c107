import CNetconSys
import Glibc
import NetconRPC
import NetStack
import SystemPackage

/// Moves one TCP connection's bytes between lwIP and the node's end of the program's stream socketpair.
///
/// Threads: the state below is guarded by the lwIP core lock (lwIP calls the handlers with it held; the
/// bridge thread takes it around its reads); epoll interest and the registry live on the bridge thread.
/// Back-pressure: lwIP's window reopens only as bytes reach the socket (`acknowledge`); the program's bytes
/// are read only while lwIP's send buffer has room.
final class TCPStreamBridge: VirtualSocket, @unchecked Sendable {
    enum State {
        case connecting
        case established
        case failed(Int32)
        case finished
    }

    let inode: UInt64
    let domain: RPCDomain
    private let fd: OwnedDescriptor
    private let loop: EventLoop
    private let scratch: ScratchBuffer
    private let onFinished: (UInt64, Int32) -> Void

    // Core lock.
    private var state: State
    private var connection: TCPConnection?
    private var local: RPCEndpoint?
    private var remote: RPCEndpoint?
    private var toProgram: [UInt8] = []
    private var toProgramOffset = 0
    private var toStack: [UInt8] = []
    private var toStackOffset = 0
    private var peerFinished = false
    private var programFinished = false
    private var abortOnClose = false
    /// The program closed its end (EPOLLHUP); its remaining bytes are still being read.
    private var programGone = false
    /// Why lwIP ended the connection (0: orderly), once it did.
    private var endedWith: Int32?

    // Bridge thread.
    private var registered = false
    private var interest: EventLoop.Events = []
    private var waiters: [(RPCReply) -> Void] = []
    private var isGone = false

    /// - Parameter onFinished: on the bridge thread once the socket is gone, with the error DESCRIBE
    ///   should keep reporting (0 after an orderly end).
    init(pair: SocketPair, domain: RPCDomain, state: State, remote: RPCEndpoint?, loop: EventLoop, scratch: ScratchBuffer,
         onFinished: @escaping (UInt64, Int32) -> Void) {
        inode = pair.inode
        fd = pair.node
        self.domain = domain
        self.state = state
        self.remote = remote
        self.loop = loop
        self.scratch = scratch
        self.onFinished = onFinished
    }

    var handlers: TCPConnection.Handlers {
        TCPConnection.Handlers(
            receive: { [self] in received($0) },
            writable: { [self] in stackWritable() },
            closed: { [self] in stackClosed($0) }
        )
    }

    // MARK: lwIP's side (core held)

    /// The connection is up (accepted, or a connect succeeded); lwIP calls the handlers from now on.
    func established(_ connection: TCPConnection) {
        Stack.withCoreLock {
            self.connection = connection
            state = .established
            local = connection.localEndpoint.map(RPCEndpoint.init)
            remote = connection.remoteEndpoint.map(RPCEndpoint.init) ?? remote
        }
        loop.execute { [self] in
            answerWaiters()
            updateInterest()
        }
    }

    func connectFailed(_ error: NetStackError) {
        Stack.withCoreLock { state = .failed(error.errno) }
        loop.execute { [self] in finish(error.errno) }
    }

    private func received(_ event: TCPConnection.Received) {
        switch event {
        case .data(let bytes):
            guard toProgram.count == toProgramOffset else {
                toProgram.append(contentsOf: bytes)
                return
            }
            let written = bytes.withUnsafeBytes { send(fd.rawValue, $0.baseAddress, $0.count, netcon_msg_nosignal | Int32(MSG_DONTWAIT)) }
            if written < 0 && errno != EAGAIN {
                // The program closed its end: like a kernel socket closed with data arriving, reset.
                abortConnection()
                return
            }
            let taken = max(0, written)
            if taken > 0 { connection?.acknowledge(taken) }
            if taken < bytes.count {
                toProgram = Array(bytes[taken...])
                toProgramOffset = 0
                loop.execute { [self] in updateInterest() }
            }
        case .endOfStream:
            peerFinished = true
            if toProgram.count == toProgramOffset { Glibc.shutdown(fd.rawValue, CInt(SHUT_WR)) }
        }
    }

    private func stackWritable() {
        guard flushToStack() else { return }
        loop.execute { [self] in
            readFromProgram()
            if Stack.withCoreLock({ programGone }) { closeOnceSent() } else { updateInterest() }
        }
    }

    private func stackClosed(_ error: NetStackError) {
        connection = nil
        state = .finished
        endedWith = error == .closed ? 0 : error.errno
        loop.execute { [self] in finishOnceDelivered() }
    }

    /// Bridge thread: what lwIP received before the end still goes to the program, then the socket goes.
    private func finishOnceDelivered() {
        let (pending, code) = Stack.withCoreLock { (toProgramOffset < toProgram.count, endedWith ?? 0) }
        if pending { updateInterest() } else { finish(code) }
    }

    private func abortConnection() {
        connection?.abort()
        connection = nil
        state = .finished
        loop.execute { [self] in finish(ECONNRESET) }
    }

    /// Core held. True when nothing is left over for lwIP.
    private func flushToStack() -> Bool {
        guard toStackOffset < toStack.count else { return true }
        guard let connection else { return false }
        do {
            let accepted = try connection.send(toStack[toStackOffset...])
            toStackOffset += accepted
        } catch {
            return false
        }
        if toStackOffset == toStack.count {
            toStack = []
            toStackOffset = 0
            return true
        }
        return false
    }

    // MARK: The program's side (bridge thread)

    private func handle(_ events: EventLoop.Events) {
        if events.contains(.writable) {
            writeToProgram()
            if Stack.withCoreLock({ endedWith != nil }) {
                finishOnceDelivered()
                return
            }
        }
        if events.contains(.readable) || events.contains(.hangup) { readFromProgram() }
        // EPOLLHUP (not RDHUP): the program closed every copy of its end. What it wrote before still goes
        // out, read as lwIP takes it (driven by `stackWritable`, no more epoll: HUP would fire forever).
        if events.rawValue & EPOLLHUP.rawValue != 0 {
            Stack.withCoreLock { programGone = true }
            loop.unregister(fd.rawValue)
            registered = false
            closeOnceSent()
            return
        }
        updateInterest()
    }

    /// Bridge thread, after the program went away: once its last bytes are in lwIP, close (FIN after them).
    private func closeOnceSent() {
        let done = Stack.withCoreLock { () -> Bool in
            guard programGone, programFinished || connection == nil, toStack.isEmpty else { return false }
            if abortOnClose { connection?.abort() } else { connection?.close() }
            connection = nil
            state = .finished
            return true
        }
        if done { finish(0) }
    }

    private func readFromProgram() {
        Stack.withCoreLock {
            guard case .established = state, let connection, !programFinished, toStack.isEmpty else { return }
            while true {
                let count = read(fd.rawValue, scratch.bytes.baseAddress, 65_536)
                if count > 0 {
                    let chunk = UnsafeRawBufferPointer(rebasing: scratch.bytes[0..<count])
                    let accepted = (try? connection.send(chunk)) ?? 0
                    if accepted < count {
                        toStack = Array(chunk[accepted...])
                        toStackOffset = 0
                        return
                    }
                } else if count == 0 {
                    programFinished = true
                    try? connection.shutdown(.write)
                    return
                } else {
                    if errno == EINTR { continue }
                    if errno != EAGAIN { abortConnection() }
                    return
                }
            }
        }
    }

    private func writeToProgram() {
        Stack.withCoreLock {
            while toProgramOffset < toProgram.count {
                let written = toProgram.withUnsafeBytes {
                    send(fd.rawValue, $0.baseAddress! + toProgramOffset, $0.count - toProgramOffset,
                         netcon_msg_nosignal | Int32(MSG_DONTWAIT))
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno != EAGAIN {
                        toProgram = []
                        toProgramOffset = 0
                        if endedWith == nil { abortConnection() }
                    }
                    return
                }
                toProgramOffset += written
                connection?.acknowledge(written)
            }
            toProgram = []
            toProgramOffset = 0
            if peerFinished { Glibc.shutdown(fd.rawValue, CInt(SHUT_WR)) }
        }
    }

    private func updateInterest() {
        let (wanted, alive) = Stack.withCoreLock { () -> (EventLoop.Events, Bool) in
            if programGone { return ([], false) }
            var wanted: EventLoop.Events = []
            switch state {
            case .established:
                if toProgramOffset < toProgram.count { wanted.insert(.writable) }
                if !programFinished && toStack.isEmpty { wanted.insert(.readable) }
                return (wanted, true)
            case .finished where toProgramOffset < toProgram.count:
                return ([.writable], true)
            case .connecting:
                return ([], true)
            case .failed, .finished:
                return ([], false)
            }
        }
        guard alive else { return }
        if !registered {
            guard (try? loop.register(fd.rawValue, for: wanted, handler: { [self] in handle($0) })) != nil else { return }
            registered = true
        } else if wanted != interest {
            try? loop.modify(fd.rawValue, for: wanted)
        }
        interest = wanted
    }

    private func finish(_ error: Int32) {
        guard !isGone else { return }
        isGone = true
        answerWaiters(error: error)
        if registered {
            loop.unregister(fd.rawValue)
            registered = false
        }
        fd.close()
        onFinished(inode, error)
    }

    // MARK: RPC

    func setOption(_ option: RPCSocketOption, value: Int32) {
        Stack.withCoreLock {
            switch option {
            case .noDelay: connection?.setNoDelay(value != 0)
            case .keepAlive: connection?.setKeepAlive(value != 0)
            case .lingerAbort: abortOnClose = value != 0
            }
        }
    }

    func describe(_ reply: @escaping (RPCReply) -> Void) {
        let connecting = Stack.withCoreLock { if case .connecting = state { true } else { false } }
        if connecting {
            waiters.append(reply)
        } else {
            reply(description(error: nil))
        }
    }

    func description(error: Int32?, connecting: Bool = false) -> RPCReply {
        Stack.withCoreLock {
            var code: Int32 = 0
            if case .failed(let failure) = state { code = failure }
            return RPCReply(operation: RPCRequest.describe(inode: inode).operation, error: error ?? code, kind: .tcpConnection, domain: domain,
                            inode: inode, local: local, remote: remote, connecting: connecting)
        }
    }

    private func answerWaiters(error: Int32? = nil) {
        let pending = waiters
        waiters = []
        for waiter in pending { waiter(description(error: error)) }
    }

    func close() {
        isGone = true
        Stack.withCoreLock {
            connection?.abort()
            connection = nil
            state = .finished
        }
        if registered { loop.unregister(fd.rawValue) }
        registered = false
        fd.close()
    }
}
