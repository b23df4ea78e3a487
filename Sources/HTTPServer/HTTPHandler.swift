/// Answers HTTP requests for an ``HTTPServer``.
///
/// The server calls ``admit(_:)`` once the head of a request has arrived, before it reads a byte of the body, and
/// ``handle(_:)`` once the whole body has arrived. Both run synchronously on one of libmicrohttpd's worker threads.
/// Several workers call them at the same time, so an implementation must be thread-safe (the `Sendable`
/// requirement makes the compiler check that). A call blocks its worker, and with it every other connection that
/// worker serves, so a handler should not wait on slow I/O; there is no Swift concurrency on these threads.
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
}

extension HTTPHandler {
    public func admit(_ head: HTTPRequestHead) -> HTTPAdmission {
        .accept(maxBodyBytes: .max)
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
