import Catalog

/// A record that matched a search: what ranking, ordering, paging and facets read of it.
struct SearchMatch {
    var rowid: Int64
    var score: Double
    var updatedAt: String
    var titleKey: String
    var kind: String
    var industry: String
    var region: String
    var stage: Int
    var origin: String
    /// In a unified search: the other members of this match's cluster that match too (this match
    /// stands for the cluster; facets count each distinct value among them all once).
    var group: [SearchMatch] = []
}

/// Relevance, order and facets of matches: pure functions, no database.
///
/// Relevance adds, for every term, the weights of the fields it occurs in: a hit in the title
/// counts most, then keywords, organisation, summary. It reads only where each term occurs, so
/// a record's score is the same whichever index found it.
enum SearchRanking {
    /// Field weights: title 10, keywords 5, organisation 3, summary 2.
    static let weights = (title: 10.0, keywords: 5.0, organization: 3.0, summary: 2.0)

    /// Field bits of a term's occurrence mask (`SearchStatements` computes the masks).
    static let titleBit = 1, keywordsBit = 2, organizationBit = 4, summaryBit = 8

    /// The score of a record from the occurrence mask of each term.
    static func score(masks: [Int]) -> Double {
        var score = 0.0
        for mask in masks {
            if mask & titleBit != 0 { score += weights.title }
            if mask & keywordsBit != 0 { score += weights.keywords }
            if mask & organizationBit != 0 { score += weights.organization }
            if mask & summaryBit != 0 { score += weights.summary }
        }
        return score
    }

    /// The order a page lists matches in.
    enum Ordering {
        /// Score descending, then rowid ascending.
        case relevance
        /// `updated_at` descending, then rowid descending.
        case recency
        /// Title sort key ascending (by its UTF-8 bytes, as SQLite compares it), then rowid ascending.
        case title

        init(_ order: SearchOrder, hasTerms: Bool) {
            switch (order, hasTerms) {
            case (.relevance, true): self = .relevance
            case (.title, _): self = .title
            default: self = .recency
            }
        }

        /// True when `a` comes before `b`.
        func precedes(_ a: SearchMatch, _ b: SearchMatch) -> Bool {
            switch self {
            case .relevance: a.score != b.score ? a.score > b.score : a.rowid < b.rowid
            case .recency: a.updatedAt != b.updatedAt ? a.updatedAt > b.updatedAt : a.rowid > b.rowid
            case .title:
                a.titleKey.utf8.elementsEqual(b.titleKey.utf8)
                    ? a.rowid < b.rowid : a.titleKey.utf8.lexicographicallyPrecedes(b.titleKey.utf8)
            }
        }

        /// `matches` in this order. Relevance sorts light keys (score, rowid, position) rather
        /// than the matches themselves, whose strings make every move cost.
        func sorted(_ matches: [SearchMatch]) -> [SearchMatch] {
            guard self == .relevance else { return matches.sorted(by: precedes) }
            let keys = matches.indices.map { (score: matches[$0].score, rowid: matches[$0].rowid, index: $0) }
                .sorted { $0.score != $1.score ? $0.score > $1.score : $0.rowid < $1.rowid }
            return keys.map { matches[$0.index] }
        }

        /// True when `match` comes after the position `cursor`.
        func isAfter(_ match: SearchMatch, _ cursor: Cursor) -> Bool {
            switch self {
            case .relevance: match.score < cursor.score || (match.score == cursor.score && match.rowid > cursor.rowid)
            case .recency: match.updatedAt < cursor.key || (match.updatedAt == cursor.key && match.rowid < cursor.rowid)
            case .title:
                cursor.key.utf8.lexicographicallyPrecedes(match.titleKey.utf8)
                    || (match.titleKey.utf8.elementsEqual(cursor.key.utf8) && match.rowid > cursor.rowid)
            }
        }

        /// The cursor that continues after `match`.
        func cursor(after match: SearchMatch, window: Int64? = nil) -> Cursor {
            switch self {
            case .relevance: Cursor(score: match.score, key: "", rowid: match.rowid, window: window)
            case .recency: Cursor(score: match.score, key: match.updatedAt, rowid: match.rowid, window: window)
            case .title: Cursor(score: match.score, key: match.titleKey, rowid: match.rowid, window: window)
            }
        }
    }

    /// Counts of matches by facet, as a page reports them.
    struct Facets {
        /// The facet values of a match, counted together (one hash per match) and split by facet
        /// only when the page is made.
        private struct Values: Hashable {
            var kind: String
            var industry: String
            var region: String
            var stage: Int
            var origin: String
        }

        private(set) var total = 0
        private var counts: [Values: Int] = [:]
        /// Counts of clusters of several matching members, by facet and value (unified search).
        private var clusters: [String: [String: Int]] = [:]

        mutating func add(_ match: SearchMatch) {
            guard match.group.isEmpty else {
                // A cluster counts once per distinct value among its matching members.
                total += 1
                let members = [match] + match.group
                let stages = Stage.allCases
                for (facet, values) in [
                    ("kind", members.map(\.kind)), ("industry", members.map(\.industry)), ("region", members.map(\.region)),
                    ("stage", members.map { stages.indices.contains($0.stage) ? stages[$0.stage].rawValue : "?" }),
                    ("origin", members.map(\.origin)),
                ] {
                    for value in Set(values) { clusters[facet, default: [:]][value, default: 0] += 1 }
                }
                return
            }
            total += 1
            counts[Values(kind: match.kind, industry: match.industry, region: match.region, stage: match.stage, origin: match.origin),
                   default: 0] += 1
        }

        /// The counts, each multiplied by `factor` (1 when they were counted over every match) and
        /// rounded; every facet is present, empty when nothing matched.
        func counts(scaledBy factor: Double) -> [String: [String: Int]] {
            var result: [String: [String: Int]] = ["kind": [:], "industry": [:], "region": [:], "stage": [:], "origin": [:]]
            let stages = Stage.allCases
            for (values, count) in counts {
                let stage = stages.indices.contains(values.stage) ? stages[values.stage].rawValue : "?"
                for (facet, value) in [("kind", values.kind), ("industry", values.industry), ("region", values.region),
                                       ("stage", stage), ("origin", values.origin)] {
                    result[facet, default: [:]][value, default: 0] += count
                }
            }
            for (facet, values) in clusters {
                for (value, count) in values { result[facet, default: [:]][value, default: 0] += count }
            }
            guard factor != 1 else { return result }
            return result.mapValues { $0.mapValues { Int((Double($0) * factor).rounded()) } }
        }
    }
}
