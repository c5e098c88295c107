import CNetconSys
import ControlPlane
import Glibc

/// One client of the control socket: buffers bytes until whole frames arrive, answers each request in order,
/// and flushes answers as the socket accepts them. Pure bookkeeping; the server owns the event loop.
final class ControlConnection {
    enum Outcome {
        case keep(wantsWrite: Bool)
        case close(failure: String?)
    }

    let descriptor: OwnedDescriptor
    var idleTimer: EventLoop.TimerID?
    private var input: [UInt8] = []
    private var output: [UInt8] = []
    private var peerClosed = false

    init(descriptor: OwnedDescriptor) { self.descriptor = descriptor }

    /// Answers still being prepared (e.g. waiting for a peer); the connection stays open until they are sent.
    private var pendingReplies = 0

    /// `wake` is called when a delayed reply is ready, so the server services the connection again.
    func service(_ events: EventLoop.Events, handler: ControlServer.Handler, wake: @escaping () -> Void) -> Outcome {
        if events.contains(.readable) || events.contains(.hangup) {
            if let failure = readAvailable() { return .close(failure: failure) }
            do {
                try answerCompleteFrames(handler, wake: wake)
            } catch {
                // Tell the client why before hanging up; the reply is best effort.
                output += ControlCodec.encode(ControlResponse.failure(ControlFailure(.badRequest, "\(error)")))
                flush()
                return .close(failure: "\(error)")
            }
        }
        if let failure = flush() { return .close(failure: failure) }
        if peerClosed && output.isEmpty && pendingReplies == 0 { return .close(failure: nil) }
        return .keep(wantsWrite: !output.isEmpty)
    }

    private func readAvailable() -> String? {
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor.rawValue, $0.baseAddress, $0.count) }
            if count > 0 {
                input += chunk[0..<count]
                if input.count > ControlCodec.maximumFrameLength + 4 { return "request too large" }
                continue
            }
            if count == 0 {
                peerClosed = true
                return nil
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            return "read failed (errno \(errno))"
        }
    }

    private func answerCompleteFrames(_ handler: ControlServer.Handler, wake: @escaping () -> Void) throws(ControlCodec.CodecError) {
        while input.count >= 4 {
            let length = try ControlCodec.frameLength(prefix: input[0..<4])
            guard input.count >= 4 + length else { return }
            let body = input[4..<4 + length]
            input.removeFirst(4 + length)
            let request: ControlRequest
            do {
                request = try ControlCodec.decode(ControlRequest.self, body: body)
            } catch .unsupportedVersion(let version) {
                output += ControlCodec.encode(ControlResponse.failure(ControlFailure(.unsupportedVersion, ControlCodec.CodecError.unsupportedVersion(version).description)))
                continue
            }
            // Answers go out in the order they are ready; clients send one request per connection.
            pendingReplies += 1
            var answeringNow = true
            handler(request) { [weak self] response in
                guard let self else { return }
                self.pendingReplies -= 1
                self.output += ControlCodec.encode(response)
                if !answeringNow { wake() }
            }
            answeringNow = false
        }
    }

    @discardableResult
    private func flush() -> String? {
        while !output.isEmpty {
            let count = output.withUnsafeBytes { send(descriptor.rawValue, $0.baseAddress, $0.count, netcon_msg_nosignal) }
            if count > 0 {
                output.removeFirst(count)
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return nil }
            return "write failed (errno \(errno))"
        }
        return nil
    }
}
