import Catalog
import Foundation
import HTTPServer
import JSON
import Query
import Store
import Synchronization

/// The `match --all` pairs this server computed last, with the key (catalog generation and day)
/// they were computed for; one computation at a time.
final class MatchAllCache: Sendable {
    let state = Mutex<(key: String, pairs: [StoredMatchPair])?>(nil)
    /// Held while computing, so concurrent requests for a new generation compute once.
    let computing = Mutex<Void>(())
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
    /// `match_pairs` (a `kechuang match --all` may have computed them), else computed once here
    /// and stored.
    private func allPairs(today: String) throws -> [StoredMatchPair] {
        let key = try pool.with { try MatchService.allKey(reader: $0.catalog, today: today) }
        if let cached = matchAll.state.withLock({ $0 }), cached.key == key { return cached.pairs }
        return try matchAll.computing.withLock { _ in
            if let cached = matchAll.state.withLock({ $0 }), cached.key == key { return cached.pairs }
            let pairs = try pool.with { readers in
                try readers.catalog.storedMatchPairs(key: key) ?? configuration.match.allPairs(reader: readers.catalog, today: today)
            }
            try configuration.store.synchronously { try $0.storeMatchPairs(pairs, key: key) }
            matchAll.state.withLock { $0 = (key, pairs) }
            return pairs
        }
    }
}
