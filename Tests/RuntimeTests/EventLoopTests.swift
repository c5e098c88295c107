import Foundation
import Glibc
import Testing
@testable import Runtime

/// Loop state for closures handed to `execute`: only ever touched on the loop thread.
private final class LoopScratch: @unchecked Sendable {
    let loop: EventLoop
    var values: [Int] = []
    init(_ loop: EventLoop) { self.loop = loop }
}

@Suite struct EventLoopTests {
    @Test func timersFireInDeadlineOrderAndStopEndsTheLoop() throws {
        let scratch = LoopScratch(try EventLoop())
        scratch.loop.execute {
            scratch.loop.schedule(afterMilliseconds: 30) { scratch.values.append(2); scratch.loop.stop() }
            scratch.loop.schedule(afterMilliseconds: 5) { scratch.values.append(1) }
            let cancelled = scratch.loop.schedule(afterMilliseconds: 10) { scratch.values.append(99) }
            scratch.loop.cancel(cancelled)
        }
        try scratch.loop.run()
        #expect(scratch.values == [1, 2])
    }

    @Test func readableDescriptorsAreDispatched() throws {
        let scratch = LoopScratch(try EventLoop())
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let readEnd = fds[0]
        scratch.loop.execute {
            try! scratch.loop.register(readEnd, for: .readable) { _ in
                var byte: UInt8 = 0
                _ = read(readEnd, &byte, 1)
                scratch.values.append(Int(byte))
                scratch.loop.unregister(readEnd)
                scratch.loop.stop()
            }
        }
        var byte: UInt8 = 42
        _ = write(fds[1], &byte, 1)
        try scratch.loop.run()
        #expect(scratch.values == [42])
    }

    @Test func stopFromAnotherThreadWakesTheLoop() throws {
        let loop = try EventLoop()
        let thread = Thread { usleep(20_000); loop.stop() }
        thread.start()
        try loop.run()
    }
}
