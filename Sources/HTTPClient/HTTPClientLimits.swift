/// Bounds on one HTTP transfer: how long it may take, how slow it may go and how much it may send.
///
/// Peers may be hostile, so every transfer is bounded in time and in memory. The defaults suit
/// fetching feed pages and checkpoints from peers; callers lower them for small documents.
///
/// Times are in seconds. As in libcurl, a timeout of 0 means no limit; never use that for a peer.
public struct HTTPClientLimits: Sendable, Equatable {
    /// The longest time to establish the connection, TLS handshake included (`CURLOPT_CONNECTTIMEOUT_MS`).
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/CURLOPT_CONNECTTIMEOUT_MS.html>
    public var connectTimeout: Double

    /// The longest time the whole transfer may take, redirects included (`CURLOPT_TIMEOUT_MS`).
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/CURLOPT_TIMEOUT_MS.html>
    public var totalTimeout: Double

    /// The slowest average speed, in bytes per second, that a transfer may keep up for
    /// ``lowSpeedTime`` seconds before it is cut off (`CURLOPT_LOW_SPEED_LIMIT`).
    ///
    /// This is what stops a peer that drips one byte a second to hold a connection open until
    /// ``totalTimeout``. Related libcurl documentation: <https://curl.se/libcurl/c/CURLOPT_LOW_SPEED_LIMIT.html>
    public var lowSpeedLimit: Int

    /// How many whole seconds a transfer may stay below ``lowSpeedLimit`` (`CURLOPT_LOW_SPEED_TIME`).
    ///
    /// libcurl measures in whole seconds and checks about once a second, so a slow transfer fails
    /// between `lowSpeedTime` and `lowSpeedTime + 1` seconds after it slowed down.
    /// Related libcurl documentation: <https://curl.se/libcurl/c/CURLOPT_LOW_SPEED_TIME.html>
    public var lowSpeedTime: Int

    /// The largest response body accepted, in bytes, counted after content decoding.
    ///
    /// Enforced twice: libcurl refuses a `Content-Length` above it before the body starts
    /// (`CURLOPT_MAXFILESIZE_LARGE`), and the write callback stops any body, chunked or decompressed,
    /// as soon as it would grow past it. Counting decoded bytes is what defeats a gzip bomb.
    public var maxBodyBytes: Int

    /// The most header bytes accepted over the whole transfer: status lines and header lines of
    /// every response, redirects and `1xx` responses included.
    public var maxHeaderBytes: Int

    /// How many redirects to follow (`CURLOPT_MAXREDIRS`); 0 returns a redirect response as it is.
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/CURLOPT_MAXREDIRS.html>
    public var maxRedirects: Int

    /// The URL schemes allowed, for the request and for every redirect, as a comma-separated list
    /// of libcurl protocol names (`CURLOPT_PROTOCOLS_STR`, `CURLOPT_REDIR_PROTOCOLS_STR`).
    ///
    /// Related libcurl documentation: <https://curl.se/libcurl/c/CURLOPT_PROTOCOLS_STR.html>
    public var allowedProtocols: String

    /// Creates limits; every parameter defaults to the value in ``default``.
    public init(
        connectTimeout: Double = 5,
        totalTimeout: Double = 60,
        lowSpeedLimit: Int = 1024,
        lowSpeedTime: Int = 10,
        maxBodyBytes: Int = 64 << 20,
        maxHeaderBytes: Int = 64 << 10,
        maxRedirects: Int = 3,
        allowedProtocols: String = "http,https"
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxRedirects = maxRedirects
        self.allowedProtocols = allowedProtocols
    }

    /// Connect within 5 s, finish within 60 s, never below 1 KiB/s for 10 s, at most 64 MiB of body,
    /// 64 KiB of headers and 3 redirects, over HTTP or HTTPS only.
    public static let `default` = HTTPClientLimits()
}
