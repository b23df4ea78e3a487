#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension HTTPServer {
    /// True when `text` is an IPv4 address in dotted-decimal form (`inet_pton`).
    public static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

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

        /// Connections open at once, in all (`MHD_OPTION_CONNECTION_LIMIT`, shared out among the worker threads);
        /// more wait in the listening socket's backlog until one closes. At least 1. Each takes a file descriptor
        /// (the process's `RLIMIT_NOFILE` must allow them all) and up to ``connectionMemoryBytes`` of memory.
        public var maxConnections: Int

        /// Connections open at once from one IP address (`MHD_OPTION_PER_IP_CONNECTION_LIMIT`); 0 for no
        /// limit. A connection beyond the limit is accepted and closed at once.
        public var maxConnectionsPerClient: Int

        /// Seconds a connection may stay idle (no bytes in either direction) before it is closed
        /// (`MHD_OPTION_CONNECTION_TIMEOUT`); 0 for never. Applies to clients that stall mid-request and to
        /// slow readers of a response; between requests ``headTimeout`` is usually the shorter.
        public var idleTimeout: Int

        /// Seconds a client has to send a whole request head (request line and header fields): counted from
        /// the connection's opening, and on a kept-alive connection from the end of the previous response.
        /// A connection whose head is not complete in time gets a 408 and is shut down, however steadily it
        /// trickles bytes. 0 for no limit.
        public var headTimeout: Int

        /// Seconds a client has to send a request body, counted from the end of its head, plus one second for
        /// every ``bodyMinRate`` bytes received so far: a client that keeps sending at least that fast is never
        /// cut off before the body limit. A body not complete in time gets a 408 and the connection is shut
        /// down. 0 for no limit.
        public var bodyTimeout: Int

        /// Bytes per second that earn a body one more second (see ``bodyTimeout``); 0 for a fixed deadline.
        public var bodyMinRate: Int

        /// The largest request body accepted, in bytes; a handler's ``HTTPHandler/admit(_:)`` can lower it per
        /// request. A larger `Content-Length` is answered with 413 at once, without reading the body; a chunked
        /// body is answered with 413 when it ends, unless it goes on past the limit for as much again (at least
        /// 1 MiB), when the connection is closed instead.
        public var maxRequestBodyBytes: Int

        /// The longest request target (path and query) accepted, in bytes; a longer one gets a JSON 414. At
        /// least 256 and at most ``maxRequestHeadBytes``.
        public var maxRequestTargetBytes: Int

        /// The largest request head (request line, header fields and the blank line) accepted, in bytes; a larger
        /// one gets a JSON 431. Less than ``connectionMemoryBytes``: a head that does not fit the connection's
        /// memory pool at all is answered by libmicrohttpd itself (414 or 431 with its own HTML body, without
        /// `X-Content-Type-Options`). Each header field also takes about 50 bytes of the pool, so a head of
        /// thousands of tiny fields reaches the pool before this limit.
        public var maxRequestHeadBytes: Int

        /// Bytes of each connection's memory pool (`MHD_OPTION_CONNECTION_MEMORY_LIMIT`), which holds the
        /// request line and headers, the read buffer and the response headers: it bounds the size of a request
        /// head that reaches the server at all. libmicrohttpd clears the pool for every request, so a larger pool
        /// costs CPU on every request (about 8% of the server's CPU at 64 KiB, 4% at 32 KiB, serving 1 KiB
        /// responses). 4096 to 1 GiB.
        public var connectionMemoryBytes: Int

        /// How long ``HTTPServer/stop()`` waits for requests in flight before closing their connections.
        public var shutdownTimeout: Duration

        /// Creates a configuration; every parameter has a default suited to a node behind a reverse proxy.
        public init(
            host: String = "127.0.0.1",
            port: UInt16 = 0,
            threads: Int = 4,
            maxConnections: Int = 4096,
            maxConnectionsPerClient: Int = 64,
            idleTimeout: Int = 30,
            headTimeout: Int = 10,
            bodyTimeout: Int = 30,
            bodyMinRate: Int = 16 * 1024,
            maxRequestBodyBytes: Int = 64 * 1024 * 1024,
            maxRequestTargetBytes: Int = 8 * 1024,
            maxRequestHeadBytes: Int = 16 * 1024,
            connectionMemoryBytes: Int = 32 * 1024,
            shutdownTimeout: Duration = .seconds(10)
        ) {
            self.host = host
            self.port = port
            self.threads = threads
            self.maxConnections = maxConnections
            self.maxConnectionsPerClient = maxConnectionsPerClient
            self.idleTimeout = idleTimeout
            self.headTimeout = headTimeout
            self.bodyTimeout = bodyTimeout
            self.bodyMinRate = bodyMinRate
            self.maxRequestBodyBytes = maxRequestBodyBytes
            self.maxRequestTargetBytes = maxRequestTargetBytes
            self.maxRequestHeadBytes = maxRequestHeadBytes
            self.connectionMemoryBytes = connectionMemoryBytes
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
            try check(HTTPServer.isIPv4(host), "host \(host) is not an IPv4 address")
            try check((1...256).contains(threads), "threads must be 1 to 256, not \(threads)")
            try check((1...Int(Int32.max)).contains(maxConnections), "maxConnections must be positive")
            try check(
                (0...Int(Int32.max)).contains(maxConnectionsPerClient), "maxConnectionsPerClient must not be negative")
            try check((0...31_536_000).contains(idleTimeout), "idleTimeout must be 0 to 31536000 seconds")
            try check((0...31_536_000).contains(headTimeout), "headTimeout must be 0 to 31536000 seconds")
            try check((0...31_536_000).contains(bodyTimeout), "bodyTimeout must be 0 to 31536000 seconds")
            try check(bodyMinRate >= 0, "bodyMinRate must not be negative")
            try check(maxRequestBodyBytes >= 0, "maxRequestBodyBytes must not be negative")
            try check(
                (4096...(1 << 30)).contains(connectionMemoryBytes), "connectionMemoryBytes must be 4096 to 1 GiB")
            try check(
                (1024..<connectionMemoryBytes).contains(maxRequestHeadBytes),
                "maxRequestHeadBytes must be at least 1024 and less than connectionMemoryBytes")
            try check(
                (256...maxRequestHeadBytes).contains(maxRequestTargetBytes),
                "maxRequestTargetBytes must be 256 to maxRequestHeadBytes")
            try check(shutdownTimeout >= .zero, "shutdownTimeout must not be negative")
        }
    }
}
