internal import CCurl

/// libcurl's process-wide initialisation, done once before the first handle is made.
///
/// Since 7.84 `curl_global_init` is thread-safe, but it must still precede every other libcurl call
/// and be made once; a `static let` gives both, whichever thread creates the first client.
/// Related libcurl documentation: <https://curl.se/libcurl/c/curl_global_init.html>
enum CurlGlobal {
    private static let result: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Runs `curl_global_init(CURL_GLOBAL_DEFAULT)` on first use.
    ///
    /// It fails only when memory or the TLS library cannot be set up; like Swift's own allocation
    /// failures, that stops the process with libcurl's reason.
    static func initialize() {
        let code = result
        if code != CURLE_OK {
            fatalError("curl_global_init failed: \(curlMessage(code)) (\(curlCodeName(Int(code.rawValue))))")
        }
    }
}
