import Catalog
import Foundation
import HTTPServer
import JSON
import Query
import Store
import Synchronization

/// The `match --all` pairs this server computed last, with the key (catalog generation and day)
/// they were computed for, and the computation in progress: at most one at a time, on its own
/// thread and its own database connection, never on a request's.
final class MatchAllCache: Sendable {
    let state = Mutex<(key: String, pairs: [StoredMatchPair])?>(nil)
    /// The key being computed, and a group that the computation leaves when it ends.
    let running = Mutex<(key: String, done: DispatchGroup)?>(nil)
    /// Why the last computation failed, for the key it was for: the next request answers it.
    let failure = Mutex<(key: String, message: String)?>(nil)
    /// How long a request waits for a computation before it answers 503 (a small catalog's pairs
    /// come within it; a national one's take minutes, and a request must not hold a worker).
    let wait: TimeInterval

    init(wait: TimeInterval = 2) { self.wait = wait }
}

extension NodeAPI {
    /// `GET /v1/matches?for=ID&limit=N&cross_region=true&kind=K&include_expired=true`, or
    /// `?all=true&cross_region=true&industry=I&region=R&limit=N` (protocols/matching.md).
    func matches(_ request: HTTPRequest) throws -> HTTPResponse {
        let query = request.query
        let known: Set<String> = ["for", "all", "limit", "cross_region", "kind", "include_expired", "industry", "region"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.badRequest("unknown parameter \(unknown)")
        }
        func flag(_ name: String) throws -> Bool {
            guard let text = query[name] else { return false }
            switch text {
            case "true", "1": return true
            case "false", "0": return false
            default: throw APIError.badRequest("\(name) must be true or false")
            }
        }
        var limit = 10
        if let text = query["limit"] {
            guard let parsed = Int(text), (1...100).contains(parsed) else { throw APIError.badRequest("limit must be 1–100") }
            limit = parsed
        }
        let all = try flag("all"), crossRegion = try flag("cross_region"), includeExpired = try flag("include_expired")
        let today = DateText.date(Date())
        if all {
            guard query["for"] == nil else { throw APIError.badRequest("all=true and for= cannot be combined") }
            for name in ["kind", "include_expired"] where query[name] != nil { throw APIError.badRequest("\(name) does not apply to all=true") }
            var industry: Industry?
            if let text = query["industry"] {
                guard let parsed = Industry(lenient: text) else { throw APIError.badRequest("industry \(text) is not an industry") }
                industry = parsed
            }
            var region: Region?
            if let text = query["region"] {
                guard let parsed = Region(lenient: text) else { throw APIError.badRequest("region \(text) is not a known region") }
                region = parsed
            }
            let pairs = try allPairs(today: today)
            return json(try MatchService.allAnswer(pairs, crossRegion: crossRegion, industry: industry, region: region, limit: limit))
        }
        guard let forText = query["for"], !forText.isEmpty else { throw APIError.badRequest("give for=ID or all=true") }
        for name in ["industry", "region"] where query[name] != nil { throw APIError.badRequest("\(name) applies only to all=true") }
        var kind: ProjectKind?
        if let text = query["kind"] {
            guard let parsed = ProjectKind(rawValue: text) else {
                throw APIError.badRequest("kind must be achievement, technology, challenge or finance")
            }
            kind = parsed
        }
        let match = MatchRequest(limit: limit, crossRegion: crossRegion, kind: kind, includeExpired: includeExpired, today: today)
        let value = try pool.with { readers -> JSONValue in
            let id = try MatchService.subjectID(forText, node: readers.catalog.node.id)
            let (subject, results) = try configuration.match.match(id, request: match, reader: readers.catalog)
            return MatchJSON.answer(subject: subject, results: results)
        }
        return json(value)
    }

    /// The `--all` pairs of the current catalog generation: from memory, else from the store's
    /// `match_pairs` (a `kechuang match --all` may have computed them), else computed once, in the
    /// background, and stored. A request waits for that at most `matchAll.wait`, then answers 503
    /// with `Retry-After`: over a large catalog the computation takes minutes, and requests that
    /// held a worker that long would let one client exhaust the server.
    func allPairs(today: String) throws -> [StoredMatchPair] {
        let key = try pool.with { try MatchService.allKey(reader: $0.catalog, today: today) }
        if let cached = matchAll.state.withLock({ $0 }), cached.key == key { return cached.pairs }
        if let stored = try pool.with({ try $0.catalog.storedMatchPairs(key: key) }) {
            matchAll.state.withLock { $0 = (key, stored) }
            return stored
        }
        if let failed = matchAll.failure.withLock({ failure -> String? in
            guard let found = failure, found.key == key else { return nil }
            failure = nil  // the next request tries again
            return found.message
        }) {
            throw APIError(status: 500, "computing the match --all pairs failed: \(failed)")
        }
        let done = startAllPairs(key: key, today: today)
        if done.wait(timeout: .now() + matchAll.wait) == .success, let cached = matchAll.state.withLock({ $0 }), cached.key == key {
            return cached.pairs
        }
        if let failed = matchAll.failure.withLock({ $0?.key == key ? $0?.message : nil }) {
            throw APIError(status: 500, "computing the match --all pairs failed: \(failed)")
        }
        throw APIError(
            status: 503, "the match --all pairs of this catalog are being computed; ask again later",
            details: ["retry_after": .number(30)])
    }

    /// Starts computing the pairs of `key` unless a computation runs already (for this key or an
    /// older one: one at a time); returns the group of the one running.
    private func startAllPairs(key: String, today: String) -> DispatchGroup {
        let (done, start) = matchAll.running.withLock { running -> (DispatchGroup, Bool) in
            if let running { return (running.done, false) }
            let group = DispatchGroup()
            group.enter()
            running = (key, group)
            return (group, true)
        }
        guard start else { return done }
        let (path, service, store, cache, log) = (configuration.databasePath, configuration.match, configuration.store, matchAll, configuration.log)
        Thread.detachNewThread {
            do {
                let reader = try CatalogReader(path: path)
                let pairs = try service.allPairs(reader: reader, today: today)
                cache.state.withLock { $0 = (key, pairs) }
                // Storing is for the next process (a restart, `kechuang match --all`): served from
                // memory meanwhile, so a busy writer costs only that, and says so in the log.
                do {
                    try store.synchronously { try $0.storeMatchPairs(pairs, key: key) }
                } catch {
                    log.event(.warning, "match_all_not_stored", "match --all pairs not stored (served from memory): \(error)", ["error": .string("\(error)")])
                }
            } catch {
                cache.failure.withLock { $0 = (key, "\(error)") }
            }
            cache.running.withLock { $0 = nil }
            done.leave()
        }
        return done
    }
}
