/// An HTTP transfer that did not complete.
///
/// `HTTPClientError` is a struct rather than an enum so that new kinds can be added without breaking
/// callers' exhaustive `switch` statements. Match a kind with `==` or a `case` pattern against the
/// static members (`.connect`, `.timeout`, `.tooSlow`, `.bodyTooLarge`, `.headersTooLarge`,
/// `.tooManyRedirects`, `.tls`, `.protocolError`, `.invalidURL`, `.invalidRequest`, `.cancelled`,
/// `.other`); equality compares the kind only, because the remaining properties are diagnostics.
///
/// When libcurl reports the failure, the error keeps its `CURLcode` and the text libcurl wrote to the
/// transfer's error buffer (`CURLOPT_ERRORBUFFER`), which is more precise than the code's generic
/// message. A response with any status, `500` included, is not an error.
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure. Private so that adding one is not a source-breaking change.
    private enum Code: Sendable, Equatable {
        case connect
        case timeout
        case tooSlow
        case bodyTooLarge
        case headersTooLarge
        case tooManyRedirects
        case tls
        case protocolError
        case invalidURL
        case invalidRequest
        case cancelled
        case other
    }

    private let code: Code

    /// The `CURLcode` libcurl returned, or 0 (`CURLE_OK`) when the failure did not come from libcurl.
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/libcurl-errors.html>
    public let curlCode: Int

    /// What went wrong, for people: libcurl's error-buffer text, or this module's own account when
    /// it stopped the transfer itself (a limit, a cancellation, an invalid request).
    public let message: String

    /// The request's method; empty for the bare static members.
    public let method: String

    /// The request's URL, with any `user:password@` replaced by `***@`; empty for the bare static members.
    public let url: String

    private init(code: Code, curlCode: Int = 0, message: String = "", method: String = "", url: String = "") {
        self.code = code
        self.curlCode = curlCode
        self.message = message
        self.method = method
        self.url = url
    }

    /// The connection could not be made: the name did not resolve, or the peer refused or was unreachable.
    public static let connect = HTTPClientError(code: .connect)

    /// The connection or the whole transfer took longer than its limit
    /// (``HTTPClientLimits/connectTimeout``, ``HTTPClientLimits/totalTimeout``).
    public static let timeout = HTTPClientError(code: .timeout)

    /// The transfer stayed below ``HTTPClientLimits/lowSpeedLimit`` for ``HTTPClientLimits/lowSpeedTime``.
    public static let tooSlow = HTTPClientError(code: .tooSlow)

    /// The body was, or announced it would be, larger than ``HTTPClientLimits/maxBodyBytes`` (after decoding).
    public static let bodyTooLarge = HTTPClientError(code: .bodyTooLarge)

    /// The header lines were larger than ``HTTPClientLimits/maxHeaderBytes`` (or than libcurl's own
    /// limit for one header line).
    public static let headersTooLarge = HTTPClientError(code: .headersTooLarge)

    /// The peer redirected more than ``HTTPClientLimits/maxRedirects`` times.
    public static let tooManyRedirects = HTTPClientError(code: .tooManyRedirects)

    /// TLS failed: the handshake, or the verification of the peer's certificate or host name.
    public static let tls = HTTPClientError(code: .tls)

    /// The peer broke HTTP: a malformed or empty reply, a body cut short, a reset connection, a bad
    /// content encoding.
    public static let protocolError = HTTPClientError(code: .protocolError)

    /// The URL is malformed, or its scheme (or a redirect's) is not in ``HTTPClientLimits/allowedProtocols``.
    public static let invalidURL = HTTPClientError(code: .invalidURL)

    /// The request cannot be sent as given: a method or header that is not valid HTTP, a string with a
    /// NUL byte, or an option libcurl rejected.
    public static let invalidRequest = HTTPClientError(code: .invalidRequest)

    /// The calling task was cancelled, or the client was shut down, before the transfer completed.
    public static let cancelled = HTTPClientError(code: .cancelled)

    /// Any other failure, such as libcurl running out of memory.
    public static let other = HTTPClientError(code: .other)

    /// Two errors are equal when they are of the same kind; the diagnostic properties are ignored.
    public static func == (lhs: HTTPClientError, rhs: HTTPClientError) -> Bool {
        lhs.code == rhs.code
    }

    /// `method URL: message (CURLE_NAME)`, for example
    /// `GET http://127.0.0.1:8601/feeds/checkpoints.json: Operation timed out after 5001 milliseconds
    /// with 0 bytes received (CURLE_OPERATION_TIMEDOUT)`.
    public var description: String {
        var text = ""
        if !method.isEmpty || !url.isEmpty {
            text = "\(method) \(url): "
        }
        text += message.isEmpty ? kindName : message
        if curlCode != 0 {
            text += " (\(curlCodeName(curlCode)))"
        }
        return text
    }

    private var kindName: String {
        switch code {
        case .connect: "could not connect"
        case .timeout: "timed out"
        case .tooSlow: "transfer too slow"
        case .bodyTooLarge: "response body too large"
        case .headersTooLarge: "response headers too large"
        case .tooManyRedirects: "too many redirects"
        case .tls: "TLS failure"
        case .protocolError: "HTTP protocol error"
        case .invalidURL: "invalid URL"
        case .invalidRequest: "invalid request"
        case .cancelled: "cancelled"
        case .other: "HTTP client failure"
        }
    }
}

extension HTTPClientError {
    /// An error of the given kind about `request`.
    init(_ kind: HTTPClientError, curlCode: Int = 0, message: String, request: HTTPClientRequest) {
        self.init(
            code: kind.code, curlCode: curlCode, message: message, method: request.method,
            url: redactingUserInfo(request.url))
    }

    /// An error of the given kind that concerns no request yet, such as a failure of the multi handle.
    init(_ kind: HTTPClientError, message: String) {
        self.init(code: kind.code, message: message)
    }

    /// A copy of `self` naming `request`'s method and URL, for an error that struck a whole batch.
    func about(_ request: HTTPClientRequest) -> HTTPClientError {
        HTTPClientError(
            code: code, curlCode: curlCode, message: message, method: request.method,
            url: redactingUserInfo(request.url))
    }
}

/// `text` with the user information (`user:password@`) of every URL's authority replaced by
/// `***@`, so that credentials never reach a log line or an operator's screen: an error's
/// description, a peer's URL in `peer list`, `peer status` or `GET /v1/peers`.
///
/// `text` may be one URL or a message that quotes URLs: an authority ends at `/`, `?`, `#` or
/// white space.
public func redactingUserInfo(_ text: String) -> String {
    var result = ""
    var rest = text[...]
    while let schemeEnd = rest.firstRange(of: "://") {
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = rest[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" || $0.isWhitespace } ?? rest.endIndex
        result += rest[..<authorityStart]
        if let at = rest[authorityStart..<authorityEnd].lastIndex(of: "@") {
            result += "***" + rest[at..<authorityEnd]
        } else {
            result += rest[authorityStart..<authorityEnd]
        }
        rest = rest[authorityEnd...]
    }
    return result + rest
}
