import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An HTTP/1.1 server on GNU libmicrohttpd that passes each complete request to an ``HTTPHandler``.
///
/// The server knows nothing about routes: it reads the head of a request, lets the handler admit or refuse it
/// from the head alone (``HTTPHandler/admit(_:)``, before a byte of body is read and before `100 Continue`),
/// reads the body within the admitted limit, calls the handler on one of its worker threads, and sends the
/// response. Every response carries `X-Content-Type-Options: nosniff`. The server answers these errors itself,
/// with a JSON body (see ``HTTPResponse/error(status:message:)``):
/// - 414 for a request target over ``Configuration/maxRequestTargetBytes``, 431 for a head over
///   ``Configuration/maxRequestHeadBytes``;
/// - 400, closing the connection, for `Content-Length` beside `Transfer-Encoding` or two different
///   `Content-Length` values (a proxy could read the body differently and smuggle a request); 501 for a
///   transfer coding other than chunked;
/// - 400 for a method that is not a token or a malformed percent-encoding in the path or query;
/// - 413 for a body over the request's limit, at once when announced by `Content-Length`;
/// - 408 for a head or body that misses its deadline (``Configuration/headTimeout``,
///   ``Configuration/bodyTimeout``), after which the socket is shut down;
/// - 500 for a handler response that cannot be sent.
///
/// libmicrohttpd deals with some protocol errors before the server sees the request, with its own HTML bodies
/// and without `X-Content-Type-Options`: 414 or 431 for a head that does not fit the connection's memory pool
/// (``Configuration/connectionMemoryBytes``), 400 for a malformed `Content-Length` and 413 for one too large for
/// 64 bits; for a request line it cannot parse it just closes the connection.
///
/// Keep-alive and pipelining are libmicrohttpd's: a connection serves requests until the client closes it,
/// it stays idle for ``Configuration/idleTimeout`` seconds, its next head misses ``Configuration/headTimeout``,
/// or the server stops. A request refused from its head keeps the connection when it announced no body; when it
/// did, the connection is closed after the answer, since the unread body is still on the way.
///
/// A server runs once: ``start()`` binds and starts the workers, ``stop()`` shuts down gracefully, and
/// releasing the last reference to a running server stops it at once (without waiting for requests in flight).
/// Neither may happen on a worker thread, that is, inside a handler: stopping joins the workers.
///
/// ```swift
/// let server = try HTTPServer(configuration: .init(port: 8080), handler: Routes(store: store))
/// try server.start()
/// defer { server.stop() }
/// ```
public final class HTTPServer: Sendable {
    /// The lifecycle: `idle` → `running` (``start()``) → `stopping` → `stopped` (``stop()``), or `idle` →
    /// `stopped` when stopped before it started.
    private enum State {
        /// Created, not started; ``start()`` moves to `running`, ``stop()`` to `stopped`.
        case idle
        /// Serving; ``stop()`` moves to `stopping`.
        case running(Daemon)
        /// ``stop()`` is waiting for requests in flight; it moves to `stopped` itself.
        case stopping(port: UInt16)
        /// Done; nothing moves out of it.
        case stopped(port: UInt16)
    }

    /// The configuration the server was created with.
    public let configuration: Configuration
    private let context: ServerContext
    private let state = Mutex(State.idle)

    /// Creates a server; it does not listen until ``start()``.
    ///
    /// - Parameters:
    ///   - configuration: Address, threads and limits.
    ///   - handler: Answers every request; called on the server's worker threads.
    /// - Throws: ``HTTPServerError/invalidConfiguration`` when a configuration value is out of range.
    public init(configuration: Configuration = Configuration(), handler: some HTTPHandler) throws(HTTPServerError) {
        try configuration.validate()
        self.configuration = configuration
        self.context = ServerContext(handler: handler, configuration: configuration)
    }

    /// Binds the listening socket and starts the worker threads; returns once the server accepts connections.
    ///
    /// - Throws: ``HTTPServerError/bindFailed`` (with the address and `errno`) when the socket cannot be bound,
    ///   ``HTTPServerError/daemonFailed`` when libmicrohttpd cannot start, ``HTTPServerError/alreadyStarted``
    ///   when called twice.
    public func start() throws(HTTPServerError) {
        try state.withLock { state throws(HTTPServerError) in
            guard case .idle = state else {
                throw .make(.alreadyStarted, "a server runs once", address: configuration.address)
            }
            state = .running(try Daemon(configuration: configuration, context: context))
        }
    }

    /// The port the server listens on: the one the system chose when ``Configuration/port`` is 0.
    ///
    /// Before ``start()`` this is the configured port; after ``stop()``, the port the server used.
    public var port: UInt16 {
        state.withLock { state in
            switch state {
            case .idle: configuration.port
            case .running(let daemon): daemon.port
            case .stopping(let port), .stopped(let port): port
            }
        }
    }

    /// Stops the server gracefully, blocking the calling thread until it has stopped.
    ///
    /// The server stops accepting connections at once (`MHD_quiesce_daemon`), answers requests already in
    /// flight (their responses carry `Connection: close`), waits up to ``Configuration/shutdownTimeout`` for
    /// them to finish, and then closes every connection and joins the workers (`MHD_stop_daemon`). Calling it
    /// again, concurrently or later, or before ``start()``, returns at once.
    ///
    /// Do not call it from a handler: it waits for that very request.
    public func stop() {
        let daemon: Daemon? = state.withLock { state in
            switch state {
            case .idle:
                state = .stopped(port: configuration.port)
                return nil
            case .running(let daemon):
                state = .stopping(port: daemon.port)
                return daemon
            case .stopping, .stopped:
                return nil
            }
        }
        guard let daemon else {
            return
        }
        context.isStopping.store(true, ordering: .relaxed)
        daemon.quiesce()
        waitForRequestsInFlight()
        // libmicrohttpd aborts when stopped with a suspended connection: a long-running handler (bounded by its
        // own deadline) is waited for, beyond the shutdown timeout if need be.
        while context.suspended.load(ordering: .acquiring) > 0 {
            usleep(1_000)
        }
        daemon.stop()
        state.withLock { $0 = .stopped(port: daemon.port) }
    }

    /// Waits, polling every millisecond, until no request is in flight or the shutdown timeout has passed.
    private func waitForRequestsInFlight() {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: configuration.shutdownTimeout)
        while context.requestsInFlight.load(ordering: .acquiring) > 0 && clock.now < deadline {
            usleep(1_000)
        }
    }
}

extension HTTPServer {
    /// Requests between their first access-handler call and their request-completed callback; for tests.
    var requestsInFlightForTesting: Int {
        context.requestsInFlight.load(ordering: .acquiring)
    }

    /// Connections shut down at a head or body deadline; for tests.
    var expiredConnectionsForTesting: Int {
        context.watch.expired.load(ordering: .relaxed)
    }

    /// Connections registered with the deadline watch (open, or closed but not yet cleaned up); for tests.
    var watchedConnectionsForTesting: Int {
        context.watch.count
    }

    /// True once `stop()` has begun; for tests.
    var isStoppingForTesting: Bool {
        context.isStopping.load(ordering: .relaxed)
    }
}
