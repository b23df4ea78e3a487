/// The coarse class of a peer's or an origin's last sync error: what the unauthenticated views
/// (`GET /v1/peers`, the `/status` page) show in place of the error's text.
///
/// The full text names the URLs this node fetched and libcurl's account of each failure (`Failed to
/// connect to 127.0.0.1 port 8799 …`, `not JSON …`): served to anyone, it would tell a peer, or a
/// passer-by, what answers where on the node's network. The operator reads it with `kechuang peer
/// status` and in the server log. A class is one of a fixed set, so no text of a peer's choosing
/// passes through it.
///
/// The class is read from the stored text, whose shape `Sync` and `HTTPClientError` give (libcurl's
/// code name in parentheses, `HTTP 503`, `refused redirect to …`); text that matches none of them
/// is `invalid feed`, the class of everything a peer served that did not verify.
public enum SyncErrorClass {
    /// Every class but `http <status>`, for documentation and tests.
    public static let fixed = [
        "circuit open", "local error", "refused redirect", "timeout", "unreachable", "tls", "transport error",
        "not found", "fork", "expired", "invalid feed",
    ]

    /// The class of `message`: one of ``fixed``, or `http <status>` for an unexpected status.
    public static func of(_ message: String) -> String {
        if message.hasPrefix("skipped: circuit open") { return "circuit open" }
        if message.hasPrefix("local error:") { return "local error" }
        if message.contains("refused redirect to ") { return "refused redirect" }
        if message.contains(": given up after ") { return "timeout" }
        if let code = curlCode(message) {
            switch code {
            case "CURLE_OPERATION_TIMEDOUT": return "timeout"
            case "CURLE_COULDNT_CONNECT", "CURLE_COULDNT_RESOLVE_HOST", "CURLE_COULDNT_RESOLVE_PROXY": return "unreachable"
            case "CURLE_SSL_CONNECT_ERROR", "CURLE_PEER_FAILED_VERIFICATION", "CURLE_SSL_CACERT_BADFILE",
                "CURLE_SSL_CERTPROBLEM", "CURLE_SSL_CIPHER", "CURLE_SSL_ISSUER_ERROR":
                return "tls"
            default: return "transport error"
            }
        }
        if message.contains("transfer too slow") || message.contains("Operation too slow") { return "timeout" }
        if let status = httpStatus(message) { return "http \(status)" }
        if message.hasSuffix(": not found") || message.contains(": not found (is it a kechuang node?)") { return "not found" }
        if message.hasPrefix("checkpoint expired at ") { return "expired" }
        if message.contains("fork") { return "fork" }
        return "invalid feed"
    }

    /// The name in the last `(CURLE_…)` of `message`, as `HTTPClientError`'s description ends.
    private static func curlCode(_ message: String) -> String? {
        guard let start = message.ranges(of: "(CURLE_").last else { return nil }
        let name = message[message.index(after: start.lowerBound)...].prefix { $0.isUppercase || $0 == "_" }
        return String(name)
    }

    /// The status in `GET URL: HTTP 503`, the puller's account of an unexpected status (`…: status
    /// 503` in a federated search's).
    private static func httpStatus(_ message: String) -> Int? {
        guard let range = message.ranges(of: ": HTTP ").last ?? message.ranges(of: ": status ").last else { return nil }
        let digits = message[range.upperBound...]
        guard digits.count == 3, let status = Int(digits) else { return nil }
        return status
    }
}
