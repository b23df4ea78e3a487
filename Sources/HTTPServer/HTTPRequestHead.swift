/// The head of an HTTP request: everything but its body, as the server has it before reading a byte of body.
///
/// The server passes it to ``HTTPHandler/admit(_:)``, which decides from it alone whether the request may send
/// its body, and later builds the ``HTTPRequest`` from it. Text is decoded as in ``HTTPRequest``.
public struct HTTPRequestHead: Sendable {
    /// The method, as sent (`GET`, `HEAD`, `POST`, …); methods are case-sensitive.
    public let method: String

    /// The percent-decoded path, without the query (see ``HTTPRequest/path``).
    public let path: String

    /// The path exactly as sent in the request line, still percent-encoded, without the query.
    public let rawPath: String

    /// The query arguments, percent-decoded, with `+` read as a space; the first value of a repeated name wins.
    public let query: [String: String]

    /// The request headers, keyed by lowercased name; repeated headers joined with `", "`.
    public let headers: [String: String]

    /// The client's IP address, such as `127.0.0.1`; empty when the server cannot tell.
    public let clientAddress: String

    /// Creates a head; the server makes these, and tests of handlers can too.
    public init(
        method: String, path: String, rawPath: String? = nil, query: [String: String] = [:],
        headers: [String: String] = [:], clientAddress: String = ""
    ) {
        self.method = method
        self.path = path
        self.rawPath = rawPath ?? path
        self.query = query
        self.headers = headers
        self.clientAddress = clientAddress
    }

    /// The value of header `name`, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers[ASCII.lowercased(name)]
    }

    /// True when the head announces a body: a `Transfer-Encoding`, or a `Content-Length` other than 0.
    public var announcesBody: Bool {
        if headers["transfer-encoding"] != nil {
            return true
        }
        if let length = headers["content-length"] {
            return length != "0"
        }
        return false
    }
}
