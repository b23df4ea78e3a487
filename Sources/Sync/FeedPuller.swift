import Catalog
import Foundation
import HTTPClient
import Store

/// Fetches one peer's feed files through libcurl, with the bounds a hostile peer needs: every
/// request limited in connect time, total time, speed and size; a few retries with backoff for
/// network failures (never for what the peer served); the peer's mirrors when its URL fails; and
/// a deadline per file, retries and mirrors included, after which the peer is given up. A peer
/// that fails is thus given up within `budget`, while a healthy one may take as long as its log
/// needs (a million records are thousands of files).
///
/// Redirects are followed by hand, never by libcurl, and only while they stay on the origin (scheme,
/// host and port) of the URL being fetched, the peer's or a mirror's: a peer may move its feed's
/// path, but never steer this node's requests at another host or port, such as an address on the
/// node's own network. A redirect anywhere else, http to https on the same host included (the
/// port changes; the operator configures the https URL instead), fails the peer without a request
/// to the target (`refused redirect`), and is not retried.
struct FeedPuller: Sendable {
    let client: HTTPClient
    let peer: Peer
    let policy: RetryPolicy
    /// The bounds of every request; `maxBodyBytes` is set per kind of file.
    let limits: HTTPClientLimits
    /// How long one file may take, retries and mirrors included.
    let budget: Duration

    /// The largest answers accepted, by kind of file.
    enum Size {
        static let checkpoints = 16 << 20
        static let pageRoots = 64 << 20
        /// A full page of the longest entry lines (`FeedLimits`).
        static let page = FeedLimits.pageFile
        /// A full page of the longest body lines; fetched into a file, never held whole.
        static let bodies = FeedLimits.bodyFile
    }

    enum Answer {
        case ok([UInt8], etag: String?)
        case notModified
        case notFound
    }

    /// GETs `path` from the peer (or a mirror), conditionally when `etag` is given; with `file`,
    /// the body goes to that file instead of memory (the answer's bytes are then empty).
    func fetch(_ path: String, maxBytes: Int, etag: String? = nil, into file: String? = nil) async throws(SyncError) -> Answer {
        var lastError = SyncError.transport("peer \(peer.id): no URL")
        let deadline = ContinuousClock.now + budget
        for base in [peer.url] + peer.mirrors {
            let url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
            // What messages show: the URL without its credentials.
            let shown = redactingUserInfo(url)
            for attempt in 1...policy.attempts {
                let delay = policy.delay(before: attempt)
                let remaining = deadline - ContinuousClock.now
                guard remaining > delay + .seconds(1) else {
                    throw SyncError.transport("peer \(peer.id): GET \(path): given up after \(budget); last error: \(lastError.message)")
                }
                // Dropping the error is correct: a cancelled sleep only ends early, and the request
                // that follows then fails with HTTPClientError.cancelled.
                if delay > .zero { try? await Task.sleep(for: delay) }  // dropped on purpose: see above
                var headers: [String: String] = [:]
                if let etag { headers["If-None-Match"] = etag }
                do {
                    let request = HTTPClientRequest(url: url, headers: headers, acceptCompressed: true, limits: limits, bodyFile: file)
                    let response = try await execute(request, maxBytes: maxBytes, deadline: deadline, origin: base)
                    switch response.status {
                    case 200: return .ok(response.body, etag: response.headers["etag"])
                    case 304: return .notModified
                    case 404: return .notFound
                    case 500...599:
                        lastError = .transport("peer \(peer.id): GET \(shown): HTTP \(response.status)")
                    default:
                        throw SyncError.protocolViolation("peer \(peer.id): GET \(shown): HTTP \(response.status)")
                    }
                } catch let error as SyncError {
                    throw error
                } catch let error as HTTPClientError {
                    lastError = .transport("peer \(peer.id): \(error)")
                    // A body over the limit is what the peer chose to send: trying again would not help.
                    if error == .bodyTooLarge || error == .headersTooLarge || error == .tooManyRedirects || error == .tls {
                        throw SyncError.verification("peer \(peer.id): \(error)")
                    }
                } catch {
                    lastError = .transport("peer \(peer.id): \(error)")
                }
            }
        }
        throw lastError
    }

    /// Runs `request` with libcurl's redirects off, and follows each redirect itself while it stays
    /// on `base`'s origin, up to `limits.maxRedirects` of them, within `deadline`.
    ///
    /// - Throws: `SyncError` `refused redirect` for a redirect off the origin, naming the peer, the
    ///   URL and the refused location (nothing is fetched from it), or `too many redirects` past the
    ///   limit; `HTTPClientError` as the client throws it.
    private func execute(_ request: HTTPClientRequest, maxBytes: Int, deadline: ContinuousClock.Instant, origin base: String) async throws -> HTTPClientResponse {
        var request = request
        request.limits = limits
        request.limits.maxRedirects = 0
        request.limits.maxBodyBytes = maxBytes
        let origin = URLOrigin(base)
        var hops = 0
        while true {
            request.limits.totalTimeout = min(limits.totalTimeout, max(Double((deadline - ContinuousClock.now).components.seconds), 1))
            let response = try await client.execute(request)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.redirectURL else { return response }
            let shown = redactingUserInfo(request.url)
            guard let origin, URLOrigin(location) == origin else {
                throw SyncError.protocolViolation(
                    "peer \(peer.id): GET \(shown): refused redirect to \(redactingUserInfo(location)): a peer's files are fetched "
                        + "only from the origin of its URL (\(origin.map(\.description) ?? redactingUserInfo(base))), never from another scheme, host or port")
            }
            guard hops < limits.maxRedirects else {
                // What the peer chose to serve: trying again would not help.
                throw SyncError.verification("peer \(peer.id): GET \(shown): too many redirects (more than \(limits.maxRedirects), each on the peer's origin)")
            }
            hops += 1
            request.url = location
        }
    }

    /// GETs a file that must exist into a temporary file, never holding it in memory.
    func spool(_ path: String, maxBytes: Int) async throws(SyncError) -> SpooledFile {
        let file = SpooledFile()
        switch try await fetch(path, maxBytes: maxBytes, into: file.path) {
        case .ok: return file
        case .notModified: throw SyncError.protocolViolation("peer \(peer.id): \(path): 304 to an unconditional request")
        case .notFound: throw SyncError.protocolViolation("peer \(peer.id): \(path): not found")
        }
    }

    /// GETs a file that must exist.
    func require(_ path: String, maxBytes: Int) async throws(SyncError) -> [UInt8] {
        switch try await fetch(path, maxBytes: maxBytes) {
        case .ok(let bytes, _): return bytes
        case .notModified: throw SyncError.protocolViolation("peer \(peer.id): \(path): 304 to an unconditional request")
        case .notFound: throw SyncError.protocolViolation("peer \(peer.id): \(path): not found")
        }
    }
}
