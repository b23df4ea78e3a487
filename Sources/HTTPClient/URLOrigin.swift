internal import CCurl

/// The origin of an absolute URL (RFC 6454 section 4): its scheme, host and port, as libcurl reads
/// them, so that two URLs can be told to reach the same server or not.
///
/// Scheme and host are compared without regard to case, and a port left out is the scheme's
/// default, so `HTTP://Node.example/` and `http://node.example:80/x` share an origin. User
/// information, path, query and fragment are not part of it.
public struct URLOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The scheme, lowercased: `http` or `https`.
    public let scheme: String
    /// The host name or address, lowercased; an IPv6 address keeps its brackets.
    public let host: String
    /// The port, written or the scheme's default.
    public let port: Int

    /// The origin of `url`, or nil when libcurl cannot parse it as an absolute URL with a host.
    public init?(_ url: String) {
        guard let handle = URLHandle(url), let scheme = handle.part(CURLUPART_SCHEME),
            let host = handle.part(CURLUPART_HOST), !host.isEmpty,
            let port = handle.part(CURLUPART_PORT, defaultPort: true).flatMap({ Int($0) })
        else { return nil }
        self.scheme = scheme.lowercased()
        self.host = host.lowercased()
        self.port = port
    }

    /// `scheme://host:port`.
    public var description: String { "\(scheme)://\(host):\(port)" }
}
