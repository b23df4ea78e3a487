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
    /// The `MATCH` expression of each stream this search has.
    private(set) var expressions: [SearchStream: String] = [:]
    /// The select list of a match over `records AS r`: `rowid, mask…, kind, industry, region,
    /// stage, origin, updated_at, title_key` (each key empty unless the page is in its order).
    private(set) var columns = ""
    /// The test of a candidate over `records AS r`: filters, expiry and every term.
    private(set) var conditions = ""
    /// The values of the parameters `columns` and `conditions` use, `?1…?n`; the parameters of
    /// each statement follow.
    private(set) var values: [SQLValue] = []
    let termCount: Int

    /// Column positions in a match row.
    static let rowidColumn = 0, firstMaskColumn = 1
    /// Positions after the masks.
    static let kindOffset = 0, industryOffset = 1, regionOffset = 2, stageOffset = 3, originOffset = 4
    static let updatedAtOffset = 5, titleKeyOffset = 6, testOffset = 7

    /// - Parameters:
    ///   - request: The search.
    ///   - ordering: The page order; a match yields the sort key of this order only.
    init(_ request: SearchRequest, ordering: SearchRanking.Ordering) {
        termCount = request.terms.count
        let long = request.terms.filter { $0.unicodeScalars.count >= 3 }
        if !long.isEmpty {
            // Each term is one FTS5 string ("…", with " doubled), so no user text is FTS syntax.
            expressions[.trigram] = long.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
                .joined(separator: " AND ")
        }
        // Letters and digits only: nothing to escape.
        let pairs = request.terms.filter { $0.unicodeScalars.count < 3 && SearchGrams.isIndexable($0) }
        if !pairs.isEmpty {
            expressions[.grams] = pairs.map { "\"" + $0 + "\"" }.joined(separator: " AND ")
        }
        let characters = request.terms.filter(SearchGrams.isCharacter)
        if !characters.isEmpty {
            expressions[.characters] = characters.map { "\"" + $0 + "\"" }.joined(separator: " AND ")
        }
        if let tags = SearchTags.expression(request) {
            expressions[.tags] = tags
        }

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
        let keys = [ordering == .recency ? "r.updated_at" : "''", ordering == .title ? "r.title_key" : "''"]
        columns = (["r.rowid"] + masks + ["r.kind", "r.industry", "r.region", "r.stage", "r.origin"] + keys).joined(separator: ", ")
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
