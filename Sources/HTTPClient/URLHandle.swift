internal import CCurl

/// Owns one libcurl URL handle (`CURLU *`), which parses a URL the way libcurl's transfers do.
///
/// Judging a URL with libcurl's own parser, rather than Foundation's, leaves no room for a URL that
/// the check reads as one host and the transfer connects to as another.
/// Related libcurl documentation: <https://curl.se/libcurl/c/libcurl-url.html>
final class URLHandle {
    /// The owned `CURLU *`; valid for the lifetime of `self`.
    private let pointer: OpaquePointer

    /// Parses `url` (`curl_url_set` with `CURLUPART_URL`); nil when libcurl refuses it, a URL
    /// without a scheme included.
    init?(_ url: String) {
        guard !url.utf8.contains(0), let pointer = curl_url() else { return nil }
        self.pointer = pointer
        guard curl_url_set(pointer, CURLUPART_URL, url, 0) == CURLUE_OK else { return nil }
    }

    deinit {
        curl_url_cleanup(pointer)
    }

    /// One part of the URL (`curl_url_get`), or nil when it has none.
    ///
    /// - Parameter defaultPort: For `CURLUPART_PORT`, the scheme's default port when none is written
    ///   (`CURLU_DEFAULT_PORT`).
    func part(_ what: CURLUPart, defaultPort: Bool = false) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        let flags = defaultPort ? UInt32(CURLU_DEFAULT_PORT) : 0
        guard curl_url_get(pointer, what, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}

@available(*, unavailable)
extension URLHandle: Sendable {}
