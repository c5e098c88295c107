import ArgumentParser
import Glibc
import Runtime

struct CountOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "How many echoes to send, one a second.")
    var count = 1

    func validate() throws {
        guard (1...100).contains(count) else { throw ValidationError("--count must be between 1 and 100") }
    }

    /// Sends `count` echoes one second apart, as ping(8) does (ZeroTier One answers at most one ECHO per path
    /// every 166 ms and drops the rest), printing each answer's line; an echo without answer is reported and
    /// the next one still goes. Throws the last unanswered echo's error when none was answered.
    func eachEcho(_ echo: () throws(NetconError) -> String) throws(NetconError) {
        var answered = 0
        var lastFailure: NetconError?
        for index in 0..<count {
            if index > 0 { usleep(1_000_000) }
            do throws(NetconError) {
                print(try echo())
                answered += 1
            } catch {
                guard case .peerUnreachable = error else { throw error }
                var line = "netcon: \(error.description)\n"
                line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
                lastFailure = error
            }
        }
        if count > 1 { print("\(count) sent, \(answered) answered") }
        if answered == 0, let lastFailure { throw lastFailure }
    }
}
