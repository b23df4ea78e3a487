/// An HTTP response for the server to send.
///
/// The server adds `Date` and `Content-Length` (always the length of ``body``, also for `HEAD`, whose body it
/// does not send), and `Connection: close` when it closes the connection after the response. A handler's own
/// `Content-Length`, `Transfer-Encoding` and `Connection: keep-alive` headers are ignored: framing and
/// keep-alive are the server's business. A handler may send `Connection: close` to end the connection, and
/// its own `Date` replaces the server's.
///
/// Header names must be HTTP tokens and values must not contain control characters other than tab. A
/// response that breaks this (for example, a value with CR or LF, which could split the response) is never
/// sent: the client gets a 500 instead.
public struct HTTPResponse: Sendable {
    /// The status code, 200 to 599; anything else is replaced by a 500.
    public var status: Int

    /// The headers, in the order they are sent; a name may repeat.
    public var headers: [(name: String, value: String)]

    /// The body; for `HEAD` requests only its length is sent, as `Content-Length`.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { ASCII.equalsIgnoringCase($0.name, name) }?.value
    }

    /// Replaces every header called `name` (matched case-insensitively) with one of value `value`.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { ASCII.equalsIgnoringCase($0.name, name) }
        headers.append((name: name, value: value))
    }
}

extension HTTPResponse {
    /// A response with `body` and the given `Content-Type`.
    public static func ok(_ body: [UInt8], contentType: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [(name: "Content-Type", value: contentType)], body: body)
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [(name: "Content-Type", value: "text/plain; charset=utf-8")],
            body: Array(text.utf8))
    }

    /// An `application/json` response whose body is `json`, which must already be JSON.
    public static func json(_ json: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [(name: "Content-Type", value: "application/json")], body: json)
    }

    /// An empty 204 response.
    public static let noContent = HTTPResponse(status: 204)

    /// The JSON error shape the server uses for the errors it raises itself:
    /// `{"error": {"status": 413, "message": "…"}}`, with `Content-Type: application/json`.
    ///
    /// - Parameters:
    ///   - status: The status code, repeated in the body.
    ///   - message: A short explanation for people; it is escaped as a JSON string.
    public static func error(status: Int, message: String) -> HTTPResponse {
        var body = #"{"error": {"status": \#(status), "message": "#
        body += JSONString.quoted(message)
        body += "}}"
        return .json(Array(body.utf8), status: status)
    }
}
