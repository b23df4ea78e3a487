import Synchronization

/// What libmicrohttpd's callbacks need to reach: the handler, the limits, the connection deadlines and the
/// shutdown bookkeeping.
///
/// Passed to the C callbacks as their closure pointer (`Unmanaged`, unretained); the ``Daemon`` holds it
/// strongly until `MHD_stop_daemon` has returned, so no callback can outlive it. Every worker thread reads it at
/// once, so its state is immutable or atomic.
final class ServerContext: Sendable {
    let handler: any HTTPHandler
    let maxRequestBodyBytes: Int
    let maxRequestTargetBytes: Int
    let maxRequestHeadBytes: Int
    let watch: ConnectionWatch

    /// Requests the access handler has seen whose request-completed callback has not yet run: from the first
    /// access-handler call until the response has been sent (or the connection failed).
    let requestsInFlight = Atomic<Int>(0)

    /// Requests whose connection is suspended while their handler runs on a thread of its own
    /// (``HTTPHandler/runsLong(_:)``): from `MHD_suspend_connection` until `MHD_resume_connection` has returned.
    /// `MHD_stop_daemon` must not run while one is suspended (libmicrohttpd aborts).
    let suspended = Atomic<Int>(0)

    /// Set by ``HTTPServer/stop()``: responses then carry `Connection: close`, so keep-alive clients leave.
    let isStopping = Atomic<Bool>(false)

    init(handler: any HTTPHandler, configuration: HTTPServer.Configuration) {
        self.handler = handler
        maxRequestBodyBytes = configuration.maxRequestBodyBytes
        maxRequestTargetBytes = configuration.maxRequestTargetBytes
        maxRequestHeadBytes = configuration.maxRequestHeadBytes
        watch = ConnectionWatch(
            headTimeout: configuration.headTimeout, bodyTimeout: configuration.bodyTimeout,
            bodyMinRate: configuration.bodyMinRate)
    }
}
