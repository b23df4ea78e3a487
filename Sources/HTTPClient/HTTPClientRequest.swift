/// One HTTP request: a URL, a method, headers, an optional body and the limits it runs under.
public struct HTTPClientRequest: Sendable {
    /// The absolute URL, `http://` or `https://` unless ``HTTPClientLimits/allowedProtocols`` says otherwise.
    public var url: String

    /// The method: an HTTP token such as `GET`, `HEAD`, `POST` or `PUT`.
    public var method: String

    /// Header fields to send, by name. libcurl adds `Host`, `User-Agent` (`kechuang/0.1`),
    /// `Accept`, `Content-Length` and, with ``acceptCompressed``, `Accept-Encoding`; a field given
    /// here replaces libcurl's, and an empty value sends the field with no value. No `Content-Type`
    /// is sent unless given here.
    ///
    /// Names must be HTTP tokens and values must not hold CR, LF or NUL, so a header can never
    /// smuggle another one in.
    public var headers: [String: String]

    /// The body to send, or `nil` for none.
    public var body: [UInt8]?

    /// Whether to ask for a compressed response (`Accept-Encoding` with every encoding libcurl
    /// supports) and decode it.
    ///
    /// ``HTTPClientLimits/maxBodyBytes`` applies to the *decoded* bytes, so a small compressed
    /// body that expands past the limit fails with ``HTTPClientError/bodyTooLarge``.
    /// Related libcurl documentation: <https://curl.se/libcurl/c/CURLOPT_ACCEPT_ENCODING.html>
    public var acceptCompressed: Bool

    /// The bounds this request runs under.
    public var limits: HTTPClientLimits

    /// A file to write the response body to instead of memory, or `nil` to keep it in
    /// ``HTTPClientResponse/body``.
    ///
    /// The file is created, or truncated, when the transfer starts (mode 0600), and written as the
    /// body arrives, decoded; ``HTTPClientLimits/maxBodyBytes`` bounds it all the same. The body of
    /// any status is written, so check the status before reading the file. For bodies too large to
    /// hold in memory (a feed's body files may reach 256 MiB).
    public var bodyFile: String?

    /// Creates a request.
    public init(
        url: String,
        method: String = "GET",
        headers: [String: String] = [:],
        body: [UInt8]? = nil,
        acceptCompressed: Bool = false,
        limits: HTTPClientLimits = .default,
        bodyFile: String? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.acceptCompressed = acceptCompressed
        self.limits = limits
        self.bodyFile = bodyFile
    }
}
