#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension HTTPServer {
    /// How a server listens, how many threads serve, and the limits that protect it.
    public struct Configuration: Sendable {
        /// The IPv4 address to listen on: `127.0.0.1` (the default) for this machine only, `0.0.0.0` for all
        /// interfaces.
        public var host: String

        /// The TCP port; 0 lets the system choose a free one, which ``HTTPServer/port`` reports once started.
        public var port: UInt16

        /// Worker threads (`MHD_OPTION_THREAD_POOL_SIZE`), each with its own epoll set; a connection stays on
        /// the worker that accepted it. 1 to 256.
        public var threads: Int

        /// Connections open at once, in all (`MHD_OPTION_CONNECTION_LIMIT`); more are accepted and closed at
        /// once. At least 1.
        public var maxConnections: Int

        /// Connections open at once from one IP address (`MHD_OPTION_PER_IP_CONNECTION_LIMIT`); 0 for no
        /// limit. A connection beyond the limit is accepted and closed at once.
        public var maxConnectionsPerClient: Int

        /// Seconds a connection may stay idle (no bytes in either direction) before it is closed
        /// (`MHD_OPTION_CONNECTION_TIMEOUT`); 0 for never. Applies to keep-alive connections between
        /// requests and to clients that stall mid-request.
        public var idleTimeout: Int

        /// The largest request body accepted, in bytes. A larger `Content-Length` is answered with 413 at
        /// once, without reading the body; a chunked body is answered with 413 when it ends, unless it goes on
        /// past the limit for as much again (at least 1 MiB), when the connection is closed instead.
        public var maxRequestBodyBytes: Int

        /// Bytes of each connection's memory pool (`MHD_OPTION_CONNECTION_MEMORY_LIMIT`), which holds the
        /// request line and headers, the read buffer and the response headers: it bounds the size of a request
        /// head. libmicrohttpd answers a larger head itself (431, with its own HTML body). libmicrohttpd clears
        /// the pool for every request, so a larger pool costs CPU on every request (about 8% of the server's
        /// CPU at 64 KiB, 4% at 32 KiB, serving 1 KiB responses). 4096 to 1 GiB.
        public var maxHeaderBytes: Int

        /// How long ``HTTPServer/stop()`` waits for requests in flight before closing their connections.
        public var shutdownTimeout: Duration

        /// Creates a configuration; every parameter has a default suited to a node behind a reverse proxy.
        public init(
            host: String = "127.0.0.1",
            port: UInt16 = 0,
            threads: Int = 4,
            maxConnections: Int = 1024,
            maxConnectionsPerClient: Int = 64,
            idleTimeout: Int = 30,
            maxRequestBodyBytes: Int = 64 * 1024 * 1024,
            maxHeaderBytes: Int = 32 * 1024,
            shutdownTimeout: Duration = .seconds(10)
        ) {
            self.host = host
            self.port = port
            self.threads = threads
            self.maxConnections = maxConnections
            self.maxConnectionsPerClient = maxConnectionsPerClient
            self.idleTimeout = idleTimeout
            self.maxRequestBodyBytes = maxRequestBodyBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.shutdownTimeout = shutdownTimeout
        }

        /// `host:port`, for messages.
        var address: String { "\(host):\(port)" }

        /// Checks every value, so that a bad one fails at construction instead of deep inside libmicrohttpd.
        func validate() throws(HTTPServerError) {
            func check(_ condition: Bool, _ detail: String) throws(HTTPServerError) {
                if !condition {
                    throw .make(.invalidConfiguration, detail)
                }
            }
            var address = in_addr()
            try check(inet_pton(AF_INET, host, &address) == 1, "host \(host) is not an IPv4 address")
            try check((1...256).contains(threads), "threads must be 1 to 256, not \(threads)")
            try check((1...Int(Int32.max)).contains(maxConnections), "maxConnections must be positive")
            try check(
                (0...Int(Int32.max)).contains(maxConnectionsPerClient), "maxConnectionsPerClient must not be negative")
            try check((0...31_536_000).contains(idleTimeout), "idleTimeout must be 0 to 31536000 seconds")
            try check(maxRequestBodyBytes >= 0, "maxRequestBodyBytes must not be negative")
            try check((4096...(1 << 30)).contains(maxHeaderBytes), "maxHeaderBytes must be 4096 to 1 GiB")
            try check(shutdownTimeout >= .zero, "shutdownTimeout must not be negative")
        }
    }
}
