/// A complete HTTP response: status, headers and the whole body.
///
/// Any status is a response, `404` and `500` included; only a transfer that did not complete is an
/// ``HTTPClientError``.
public struct HTTPClientResponse: Sendable {
    /// The status code of the last response, after redirects.
    public var status: Int

    /// The header fields of the last response, by lowercased name.
    ///
    /// A field sent more than once has its values joined with `", "` in the order received, as
    /// RFC 9110 section 5.3 allows. Trailer fields are not included.
    public var headers: [String: String]

    /// The body, decoded when the request set ``HTTPClientRequest/acceptCompressed``; empty when
    /// the request wrote it to its ``HTTPClientRequest/bodyFile``.
    public var body: [UInt8]

    /// The URL of the last request, after redirects (`CURLINFO_EFFECTIVE_URL`).
    public var effectiveURL: String

    /// How long the transfer took, in seconds, redirects included (`CURLINFO_TOTAL_TIME`).
    public var totalTime: Double

    /// Where a redirect response that was not followed points, as an absolute URL resolved
    /// against the request's (`CURLINFO_REDIRECT_URL`); nil when the response has no `Location`.
    ///
    /// Set when ``HTTPClientLimits/maxRedirects`` is 0 or was reached, so that a caller can judge
    /// the target itself before it follows, as the sync client does with a peer's redirects.
    /// Related libcurl documentation: <https://curl.se/libcurl/c/CURLINFO_REDIRECT_URL.html>
    public var redirectURL: String?

    /// Creates a response; used by the client, and by tests that stand in for it.
    public init(
        status: Int, headers: [String: String], body: [UInt8], effectiveURL: String, totalTime: Double,
        redirectURL: String? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
        self.totalTime = totalTime
        self.redirectURL = redirectURL
    }
}
