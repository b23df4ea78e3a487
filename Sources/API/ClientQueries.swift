import Foundation
import Synchronization

/// The queries each client has in progress (`serve --max-queries-per-client`): a client may run
/// only `limit` at once, so that one address cannot hold every worker with searches, matches or
/// pages while other clients wait (a request over the limit is answered 429 at once).
///
/// A client is its IP address; behind a trusted reverse proxy (`serve --trusted-proxy`), the
/// address the proxy puts last in `X-Forwarded-For`.
final class ClientQueries: Sendable {
    /// Queries one client may have in progress; 0: no limit.
    let limit: Int
    /// Proxy addresses whose `X-Forwarded-For` names the client.
    let trustedProxies: Set<String>
    private let inProgress = Mutex<[String: Int]>([:])

    init(limit: Int, trustedProxies: Set<String>) {
        self.limit = limit
        self.trustedProxies = trustedProxies
    }

    /// The client a request counts for.
    func client(address: String, forwardedFor: String?) -> String {
        guard trustedProxies.contains(address), let forwardedFor,
            let last = forwardedFor.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        else { return address }
        return last
    }

    /// Takes one of `client`'s slots; false when it has `limit` in progress already.
    func enter(_ client: String) -> Bool {
        guard limit > 0 else { return true }
        return inProgress.withLock { counts in
            let count = counts[client, default: 0]
            guard count < limit else { return false }
            counts[client] = count + 1
            return true
        }
    }

    /// Gives back a slot taken by `enter`.
    func leave(_ client: String) {
        guard limit > 0 else { return }
        inProgress.withLock { counts in
            let count = counts[client, default: 0] - 1
            counts[client] = count > 0 ? count : nil
        }
    }
}
