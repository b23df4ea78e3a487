/// Answers HTTP requests for an ``HTTPServer``.
///
/// The server calls ``handle(_:)`` synchronously on one of libmicrohttpd's worker threads, once per request, after
/// the whole request body has arrived. Several workers call it at the same time, so an implementation must be
/// thread-safe (the `Sendable` requirement makes the compiler check that). The call blocks its worker, and with
/// it every other connection that worker serves, so a handler should not wait on slow I/O; there is no Swift
/// concurrency on these threads.
public protocol HTTPHandler: Sendable {
    /// Returns the response to `request`.
    ///
    /// Errors are responses: return a 4xx or 5xx ``HTTPResponse`` (``HTTPResponse/error(status:message:)``
    /// makes the JSON shape the server's own errors use).
    func handle(_ request: HTTPRequest) -> HTTPResponse
}
