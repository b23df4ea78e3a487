/// An HTTP request as the server received it, body included.
///
/// The server builds it after the whole body has arrived, from the ``HTTPRequestHead`` its handler admitted (see
/// ``HTTPHandler/admit(_:)`` and ``HTTPServer/Configuration/maxRequestBodyBytes``).
/// Text is decoded as UTF-8: header values that are not valid UTF-8 (obsolete `obs-text`) have the invalid bytes
/// replaced with U+FFFD, while a path or query argument whose percent-decoding is not valid UTF-8 is refused
/// with 400 before a handler sees it.
public struct HTTPRequest: Sendable {
    /// The method, as sent (`GET`, `HEAD`, `POST`, …); methods are case-sensitive.
    public let method: String

    /// The percent-decoded path, without the query: `/projects/%E4%B8%AD` arrives as `/projects/中`.
    ///
    /// `%2F` decodes to `/`, so a handler that must tell an encoded slash from a separator uses ``rawPath``.
    public let path: String

    /// The path exactly as sent in the request line, still percent-encoded, without the query.
    public let rawPath: String

    /// The query arguments, percent-decoded, with `+` read as a space (HTML form encoding).
    ///
    /// An argument without `=` (`?flag`) has the value `""`. When a name repeats, the first value is kept.
    public let query: [String: String]

    /// The request headers, keyed by lowercased name.
    ///
    /// When a header repeats, its values are joined with `", "` in the order received (RFC 9110, section 5.3).
    public let headers: [String: String]

    /// The request body; empty when the request had none.
    public let body: [UInt8]

    /// The client's IP address, such as `127.0.0.1` or `::1`; empty when the server cannot tell.
    public let clientAddress: String

    /// Creates a request; the server makes these, and tests of handlers can too.
    public init(
        method: String, path: String, rawPath: String? = nil, query: [String: String] = [:],
        headers: [String: String] = [:], body: [UInt8] = [], clientAddress: String = ""
    ) {
        self.method = method
        self.path = path
        self.rawPath = rawPath ?? path
        self.query = query
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
    }

    /// The request with `head` and `body`.
    public init(head: HTTPRequestHead, body: [UInt8]) {
        self.init(
            method: head.method, path: head.path, rawPath: head.rawPath, query: head.query, headers: head.headers,
            body: body, clientAddress: head.clientAddress)
    }

    /// The value of header `name`, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers[ASCII.lowercased(name)]
    }
}
