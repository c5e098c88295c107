import Glibc

/// Every virtual socket holds one descriptor in the node (its end of the program's socketpair), so a node
/// serving many connections needs more than the usual soft limit of 1024: it raises its own soft
/// RLIMIT_NOFILE to the hard limit, which needs no privilege. At the limit a program's connect fails with
/// EMFILE and a connection arriving for one of its listeners is reset.
enum DescriptorLimit {
    /// Raises the soft limit to the hard one; returns the limit now in force.
    @discardableResult
    static func raiseToHardLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return UInt64(limit.rlim_cur)
    }
}
