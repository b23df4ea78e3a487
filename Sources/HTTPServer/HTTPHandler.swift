/// Answers HTTP requests for an ``HTTPServer``.
///
/// The server calls ``admit(_:)`` once the head of a request has arrived, before it reads a byte of the body, and
/// ``handle(_:)`` once the whole body has arrived. Both run synchronously on one of libmicrohttpd's worker threads.
/// Several workers call them at the same time, so an implementation must be thread-safe (the `Sendable`
/// requirement makes the compiler check that). A call blocks its worker, and with it every other connection that
/// worker serves, so a handler should not wait on slow I/O (or say so with ``runsLong(_:)``); there is no Swift
/// concurrency on these threads.
public protocol HTTPHandler: Sendable {
    /// Decides from the head alone whether the request may send its body, and how much of it.
    ///
    /// Refuse here whatever can be refused without the body: an unknown path (404), a method the resource does
    /// not answer (405), a missing or wrong credential (401). A refused request never gets `100 Continue`, and
    /// its body is never read: when it announced one, the connection is closed after the answer. An accepted
    /// request gets `100 Continue` if it asked for it, and its body is read up to the smaller of the limit
    /// returned here and ``HTTPServer/Configuration/maxRequestBodyBytes`` (413 beyond).
    ///
    /// The default implementation accepts every request up to the server's limit.
    func admit(_ head: HTTPRequestHead) -> HTTPAdmission

    /// Returns the response to `request`, an admitted request whose whole body has arrived.
    ///
    /// Errors are responses: return a 4xx or 5xx ``HTTPResponse`` (``HTTPResponse/error(status:message:)``
    /// makes the JSON shape the server's own errors use).
    func handle(_ request: HTTPRequest) -> HTTPResponse

    /// Whether ``handle(_:)`` may take long for this request (it waits on the network, such as a federated
    /// query with a deadline). Such a request is handled on a thread of its own while its connection is
    /// suspended (`MHD_suspend_connection`), so the worker goes on serving its other connections; the response
    /// is queued when the connection resumes. ``HTTPServer/stop()`` waits for these handlers to return, so their
    /// work must be bounded in time.
    ///
    /// The default implementation returns false: every request is handled on its worker.
    func runsLong(_ head: HTTPRequestHead) -> Bool
}

extension HTTPHandler {
    public func admit(_ head: HTTPRequestHead) -> HTTPAdmission {
        .accept(maxBodyBytes: .max)
    }

    public func runsLong(_ head: HTTPRequestHead) -> Bool {
        false
    }
}

/// What ``HTTPHandler/admit(_:)`` decided about a request, from its head.
public enum HTTPAdmission: Sendable {
    /// Read the body, if any, up to `maxBodyBytes` (0 for a resource that takes no body), then call
    /// ``HTTPHandler/handle(_:)``. The server's own ``HTTPServer/Configuration/maxRequestBodyBytes`` caps it.
    case accept(maxBodyBytes: Int)
    /// Answer with this response and read no body.
    case refuse(HTTPResponse)
}
