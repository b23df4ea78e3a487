import Catalog
import Foundation
import SQLite

/// The SQL of one search: the full-text expression of each candidate stream, and the statements
/// that test candidates and yield what ranking, ordering and counting read.
///
/// Terms of three or more characters are found by the trigram index (`records_fts`); terms of
/// exactly two letters or digits by the two-character index (`records_grams`, `SearchGrams`);
/// terms of one letter or digit by the character index (`records_chars`); filters by the tag
/// index (`records_tags`, `SearchTags`). (On SQLite 3.40 a short `LIKE` on the trigram table
/// silently finds nothing.) A short term with punctuation has no index: it is only tested on
/// rows. Every term must match.
///
/// The indexes only propose candidates. Each candidate row is tested in full (`conditions`): the
/// filters and the expiry date on its columns, and every term with `instr` on its folded fields;
/// so a record matches the same whichever index proposed it. A match yields, per term, an
/// occurrence mask (bit 1 title, 2 keywords, 4 organisation, 8 summary) for ranking.
struct SearchStatements {
    /// The select list of a match over `records AS r`: `rowid, mask…, kind, industry, region,
    /// stage, origin, updated_at, title_key`. The masks are there only in relevance order (the
    /// other orders score only the hits of their page), each key only in its own order.
    private(set) var columns = ""
    /// The test of a candidate over `records AS r`: filters, expiry and every term but those the
    /// driving indexes answer exactly.
    private(set) var conditions = ""
    /// The occurrence masks of every term over `records AS r`, comma-separated.
    private(set) var masks = ""
    /// The values of the parameters `columns`, `conditions` and `masks` use, `?1…?n` (the terms
    /// first); the parameters of each statement follow.
    private(set) var values: [SQLValue] = []
    /// How many masks `columns` has.
    let maskCount: Int

    /// Column positions in a match row.
    static let rowidColumn = 0, firstMaskColumn = 1
    /// Positions after the masks.
    static let kindOffset = 0, industryOffset = 1, regionOffset = 2, stageOffset = 3, originOffset = 4
    static let updatedAtOffset = 5, titleKeyOffset = 6, testOffset = 7

    /// The index that answers a term, if any.
    static func stream(of term: String) -> SearchStream? {
        if term.unicodeScalars.count >= 3 { return .trigram }
        if SearchGrams.isIndexable(term) { return .grams }
        if SearchGrams.isCharacter(term) { return .characters }
        return nil
    }

    /// The `MATCH` expression of each stream a search has.
    static func expressions(_ request: SearchRequest) -> [SearchStream: String] {
        var expressions: [SearchStream: String] = [:]
        for stream in [SearchStream.trigram, .grams, .characters] {
            let terms = request.terms.filter { Self.stream(of: $0) == stream }
            guard !terms.isEmpty else { continue }
            // Each term is one FTS5 string ("…", with " doubled), so no user text is FTS syntax.
            expressions[stream] = terms.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
                .joined(separator: " AND ")
        }
        if let tags = SearchTags.expression(request) {
            expressions[.tags] = tags
        }
        return expressions
    }

    /// - Parameters:
    ///   - request: The search.
    ///   - ordering: The page order; a match yields the sort key of this order only.
    ///   - exact: Streams every candidate comes from. Their terms are not tested again when the
    ///     index is exact (pairs and characters are indexed exactly when `instr` finds them; the
    ///     trigram index folds case on its own, so its terms are still tested).
    init(_ request: SearchRequest, ordering: SearchRanking.Ordering, exact: Set<SearchStream> = []) {
        maskCount = ordering == .relevance ? request.terms.count : 0
        func parameter(_ value: SQLValue) -> String {
            values.append(value)
            return "?\(values.count)"
        }
        var masks: [String] = []
        var tests: [String] = []
        for term in request.terms {
            let p = parameter(.text(term))
            masks.append(
                "((instr(r.s_title, \(p)) > 0) | ((instr(r.s_keywords, \(p)) > 0) << 1) "
                    + "| ((instr(r.s_org, \(p)) > 0) << 2) | ((instr(r.s_summary, \(p)) > 0) << 3))")
            if let stream = Self.stream(of: term), stream != .trigram, exact.contains(stream) { continue }
            tests.append(
                "(instr(r.s_title, \(p)) > 0 OR instr(r.s_keywords, \(p)) > 0 OR instr(r.s_org, \(p)) > 0 "
                    + "OR instr(r.s_summary, \(p)) > 0)")
        }
        var filters: [String] = []
        func inList(_ column: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            filters.append("\(column) IN (\(items.sorted().map { parameter(.text($0)) }.joined(separator: ", ")))")
        }
        inList("r.kind", request.kinds.map(\.rawValue))
        inList("r.industry", request.industries.map(\.rawValue))
        inList("r.region", request.regions.map(\.code))
        inList("r.origin", Array(request.origins))
        if !request.stages.isEmpty {
            filters.append("r.stage IN (\(request.stages.map { String($0.ordinal) }.sorted().joined(separator: ", ")))")
        }
        if let trl = request.trl {
            filters.append("r.trl BETWEEN \(parameter(.integer(Int64(trl.lowerBound)))) AND \(parameter(.integer(Int64(trl.upperBound))))")
        }
        if !request.includeExpired {
            filters.append("r.valid_through >= \(parameter(.text(request.today)))")
        }
        // Filters first: they are cheaper than the term scans and usually decide.
        let all = filters + tests
        conditions = all.isEmpty ? "1" : all.joined(separator: " AND ")
        self.masks = masks.joined(separator: ", ")
        let keys = [ordering == .recency ? "r.updated_at" : "''", ordering == .title ? "r.title_key" : "''"]
        columns = (["r.rowid"] + masks.prefix(maskCount) + ["r.kind", "r.industry", "r.region", "r.stage", "r.origin"] + keys)
            .joined(separator: ", ")
    }

    /// The next free parameter number.
    private var next: Int { values.count + 1 }

    static func table(_ stream: SearchStream) -> String {
        switch stream {
        case .trigram: "records_fts"
        case .grams: "records_grams"
        case .characters: "records_chars"
        case .tags: "records_tags"
        }
    }

    /// The body and the term masks of the record with rowid `?next`.
    var hit: String {
        "SELECT r.body\(masks.isEmpty ? "" : ", " + masks) FROM records AS r WHERE r.rowid = ?\(next)"
    }

    /// Counts a stream's rows up to a limit: `?1` the expression, `?2` the limit. Reads the index only.
    static func probe(_ stream: SearchStream) -> String {
        let table = table(stream)
        return "SELECT count(*) FROM (SELECT 1 FROM \(table) WHERE \(table) MATCH ?1 LIMIT ?2)"
    }

    /// A stream's rowids, newest first: `?1` the expression, `?2` the limit. Reads the index only.
    static func read(_ stream: SearchStream) -> String {
        let table = table(stream)
        return "SELECT rowid FROM \(table) WHERE \(table) MATCH ?1 ORDER BY rowid DESC LIMIT ?2"
    }

    /// The matches among the rowids of the JSON array `?next`. (`CROSS JOIN` keeps the array the
    /// outer loop, and `NOT INDEXED` keeps a filter's index from driving instead.)
    var batch: String {
        "SELECT \(columns) FROM json_each(?\(next)) AS j CROSS JOIN records AS r NOT INDEXED ON r.rowid = j.value WHERE \(conditions)"
    }

    /// The extent of a window of a walk: how many of the first `?3` rowids at most `?2` of
    /// `stream` (its expression `?1`) there are, and the smallest; for the table (nil), of the
    /// first `?2` rowids at most `?1`. Reads the index only.
    static func window(_ stream: SearchStream?) -> String {
        guard let stream else {
            return "SELECT count(*), min(id) FROM (SELECT rowid AS id FROM records WHERE rowid <= ?1 ORDER BY rowid DESC LIMIT ?2)"
        }
        let table = table(stream)
        return """
            SELECT count(*), min(id) FROM (SELECT rowid AS id FROM \(table) WHERE \(table) MATCH ?1 AND rowid <= ?2 \
            ORDER BY rowid DESC LIMIT ?3)
            """
    }

    /// The matches with rowid from `?next+1` to `?next`, among the rows of `stream` (its
    /// expression `?next+2`), or of the table when nil.
    func range(_ stream: SearchStream?) -> String {
        guard let stream else {
            return """
                SELECT \(columns) FROM records AS r NOT INDEXED
                WHERE r.rowid <= ?\(next) AND r.rowid >= ?\(next + 1) AND \(conditions)
                """
        }
        let table = Self.table(stream)
        return """
            SELECT \(columns) FROM \(table) CROSS JOIN records AS r NOT INDEXED ON r.rowid = \(table).rowid
            WHERE \(table) MATCH ?\(next + 2) AND \(table).rowid <= ?\(next) AND \(table).rowid >= ?\(next + 1) AND \(conditions)
            """
    }

    /// Rows in page order (recency or title) from the order's index, after a position when
    /// `after`: every row with the match columns and the test as a last column (`testOffset`),
    /// the position in `(?next, ?next+1)`; or, when `keysOnly`, only `rowid` and the order's key
    /// (the index alone answers), the position in `(?1, ?2)`.
    func orderWalk(_ ordering: SearchRanking.Ordering, after: Bool, keysOnly: Bool) -> String {
        let (key, direction, comparison) =
            switch ordering {
            case .title: ("r.title_key", "ASC", ">")
            default: ("r.updated_at", "DESC", "<")
            }
        let select = keysOnly ? "r.rowid, \(key)" : "\(columns), (\(conditions))"
        let first = keysOnly ? 1 : next
        let condition = after ? "WHERE (\(key), r.rowid) \(comparison) (?\(first), ?\(first + 1))" : ""
        return "SELECT \(select) FROM records AS r \(condition) ORDER BY \(key) \(direction), r.rowid \(direction)"
    }
}
