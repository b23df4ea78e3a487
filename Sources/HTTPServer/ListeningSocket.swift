#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Creates the server's listening socket, so that a failure to bind is reported with its `errno`.
///
/// libmicrohttpd can bind a socket itself, but when that fails `MHD_start_daemon` only returns NULL, and
/// `errno` has been overwritten by its clean-up by then. Binding here gives ``HTTPServerError/bindFailed`` the
/// failing call and its reason (`EADDRINUSE`, `EACCES`, …); the socket is then handed to libmicrohttpd with
/// `MHD_OPTION_LISTEN_SOCKET`.
enum ListeningSocket {
    /// A TCP socket bound to `host:port` and listening, non-blocking and close-on-exec.
    ///
    /// `SO_REUSEADDR` lets a restarted server bind while connections of the previous run linger in TIME_WAIT.
    ///
    /// - Returns: The socket's file descriptor, owned by the caller.
    /// - Throws: ``HTTPServerError/bindFailed`` naming the failing call and its `errno`.
    static func open(host: String, port: UInt16) throws(HTTPServerError) -> Int32 {
        let address = "\(host):\(port)"
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &socketAddress.sin_addr) == 1 else {
            throw .make(.invalidConfiguration, "host \(host) is not an IPv4 address")
        }
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else {
            throw .system(function: "socket", errno: errno, address: address)
        }
        do throws(HTTPServerError) {
            var on: Int32 = 1
            try call("setsockopt", address) {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            }
            try call("bind", address) {
                withUnsafePointer(to: &socketAddress) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            try call("listen", address) { listen(fd, SOMAXCONN) }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Runs a system call that returns -1 and sets `errno` on failure (none of these can fail with `EINTR`).
    private static func call(_ name: String, _ address: String, _ body: () -> Int32) throws(HTTPServerError) {
        if body() < 0 {
            throw .system(function: name, errno: errno, address: address)
        }
    }
}
