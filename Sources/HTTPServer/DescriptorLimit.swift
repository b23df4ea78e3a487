#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The process's limit on open files (`RLIMIT_NOFILE`), which bounds how many connections a server can hold.
///
/// Every connection is a file descriptor, and the usual soft limit (1024) is lower than a server's default
/// ``HTTPServer/Configuration/maxConnections``; a server that runs out accepts nothing more (`EMFILE`), so a
/// thousand slow clients would lock everyone else out. The hard limit is usually far higher, and a process may
/// raise its soft limit up to it without privileges.
public enum DescriptorLimit {
    /// Descriptors a server with `configuration` may hold at once: one per connection, the listening socket, and
    /// an epoll set and an inter-thread channel (up to two descriptors) per worker.
    public static func needed(by configuration: HTTPServer.Configuration) -> Int {
        configuration.maxConnections + 1 + 3 * configuration.threads
    }

    /// Raises the soft limit to at least `count`, as far as the hard limit allows, and returns the soft limit
    /// now in force (unchanged when it was already high enough, or when `getrlimit` fails: then 0).
    @discardableResult
    public static func raise(toAtLeast count: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            return 0
        }
        let wanted = rlim_t(max(count, 0))
        if limit.rlim_cur < wanted && limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = min(wanted, limit.rlim_max)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 {
                limit = raised
            }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
