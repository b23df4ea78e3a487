import Catalog
import Feed
import HTTPClient

/// Reads a feed from a node or a mirror over HTTP, through libcurl, with the client's bounds
/// (timeouts, low-speed limit, body size) against a hostile server.
struct HTTPFeedSource: FeedSource {
    let base: String
    let client = HTTPClient(maxConcurrent: 4)

    init(base: String) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    func fetch(_ path: String) throws -> [UInt8]? {
        var limits = HTTPClientLimits.default
        limits.maxBodyBytes = FeedLimits.bodyFile
        let response = try client.executeBlocking(HTTPClientRequest(url: base + path, acceptCompressed: true, limits: limits))
        switch response.status {
        case 200: return response.body
        case 404: return nil
        default: throw CLIError.failure("GET \(base + path): HTTP \(response.status)")
        }
    }
}
