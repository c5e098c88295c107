/// How `netcon exec` puts a program's sockets on the virtual network.
public enum Interception: String, CaseIterable, Sendable {
    /// The seccomp path where the kernel allows it (it does not depend on how the program was built); the preload
    /// path for a dynamically linked program where it does not, unless --isolate was asked for.
    case auto
    /// Only the LD_PRELOAD library: dynamically linked programs only; static and Go programs reach the host
    /// network unserved, so --isolate refuses this choice.
    case preload
    /// Only the seccomp filter and the supervisor: every program; an error where the kernel does not allow it.
    case seccomp
}

/// What one exec session uses, decided from the choice, the program and the kernel.
struct InterceptionPlan: Equatable {
    var filter: Bool
    var preload: Bool

    /// `filterError` is nil when the filter can be installed here, else why not.
    static func decide(_ choice: Interception, isolate: Bool, program: ProgramImage, filterError: String?)
        throws(NetconError) -> InterceptionPlan
    {
        switch choice {
        case .preload:
            if isolate {
                throw .invalidArgument("--isolate needs --intercept seccomp or auto: the preload library alone cannot hold static or Go programs")
            }
            return InterceptionPlan(filter: false, preload: true)
        case .seccomp:
            if let filterError { throw .interceptionUnavailable("--intercept seccomp: \(filterError)") }
            return InterceptionPlan(filter: true, preload: false)
        case .auto:
            if filterError == nil { return InterceptionPlan(filter: true, preload: false) }
            if isolate {
                throw .interceptionUnavailable("--isolate cannot be held: \(filterError!)")
            }
            if !program.isDynamic {
                throw .interceptionUnavailable("\(program.path) is not dynamically linked, so only the seccomp path could serve it: \(filterError!)")
            }
            return InterceptionPlan(filter: false, preload: true)
        }
    }
}
