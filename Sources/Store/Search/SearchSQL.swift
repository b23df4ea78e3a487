import Catalog
import Foundation
import SQLite

/// Builds the SQL of one search from a `SearchRequest`.
///
/// Terms of three or more characters go to the FTS5 trigram index (`MATCH`), which ranks them
/// with bm25. Terms of one or two characters cannot match trigrams (and on SQLite 3.40 a short
/// `LIKE` on the FTS table silently finds nothing): a two-character term of letters or digits is
/// looked up in the two-character index (`records_grams`, see `SearchGrams`); any other short
/// term (one character, or with punctuation) is matched with `instr` on the folded columns of
/// `records`. Short terms are scored by the fields they occur in. Every term must match.
struct SearchSQL {
    /// Column weights: a hit in the title counts most, then keywords, organisation, summary.
    static let weights = (title: 10.0, summary: 2.0, keywords: 5.0, organization: 3.0)

    /// The statement that yields the matching rows: `rid`, `score`, plus the ordering columns.
    private(set) var matchSQL = ""
    private(set) var matchValues: [SQLValue] = []

    init(_ request: SearchRequest) {
        let long = request.terms.filter { $0.unicodeScalars.count >= 3 }
        let short = request.terms.filter { $0.unicodeScalars.count < 3 }
        var joins = ""
        var conditions: [String] = []
        var values: [SQLValue] = []
        var scoreParts: [String] = []

        if !long.isEmpty {
            // Each term is one FTS5 string ("…", with " doubled), so no user text is FTS syntax.
            let expression = long.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
                .joined(separator: " AND ")
            let w = Self.weights
            joins = """
                JOIN (SELECT rowid AS fts_rowid, bm25(records_fts, \(w.title), \(w.summary), \(w.keywords), \(w.organization)) AS rank
                      FROM records_fts WHERE records_fts MATCH ?) AS fts ON fts.fts_rowid = r.rowid
                """
            values.append(.text(expression))
            scoreParts.append("(-fts.rank)")
        }
        for term in short {
            if SearchGrams.isIndexable(term) {
                // Exact: a pair is indexed when it occurs in one of the four folded columns.
                conditions.append("r.rowid IN (SELECT rowid FROM records_grams WHERE records_grams MATCH ?)")
                values.append(.text("\"" + term + "\""))
            } else {
                conditions.append(
                    "(instr(r.s_title, ?) > 0 OR instr(r.s_keywords, ?) > 0 OR instr(r.s_org, ?) > 0 OR instr(r.s_summary, ?) > 0)")
                values += Array(repeating: .text(term), count: 4)
            }
        }
        var scoreValues: [SQLValue] = []
        for term in short {
            let w = Self.weights
            scoreParts.append(
                "(\(w.title) * (instr(r.s_title, ?) > 0) + \(w.keywords) * (instr(r.s_keywords, ?) > 0) "
                    + "+ \(w.organization) * (instr(r.s_org, ?) > 0) + \(w.summary) * (instr(r.s_summary, ?) > 0))")
            scoreValues += Array(repeating: .text(term), count: 4)
        }
        func inList(_ column: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            conditions.append("\(column) IN (\(Array(repeating: "?", count: items.count).joined(separator: ", ")))")
            values += items.sorted().map { .text($0) }
        }
        inList("r.kind", request.kinds.map(\.rawValue))
        inList("r.industry", request.industries.map(\.rawValue))
        inList("r.region", request.regions.map(\.code))
        inList("r.origin", Array(request.origins))
        if !request.stages.isEmpty {
            conditions.append("r.stage IN (\(request.stages.map { String($0.ordinal) }.sorted().joined(separator: ", ")))")
        }
        if let trl = request.trl {
            conditions.append("r.trl BETWEEN ? AND ?")
            values += [.integer(Int64(trl.lowerBound)), .integer(Int64(trl.upperBound))]
        }
        if !request.includeExpired {
            conditions.append("r.valid_through >= ?")
            values.append(.text(request.today))
        }
        let score = scoreParts.isEmpty ? "0.0" : scoreParts.joined(separator: " + ")
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        // Score placeholders come first in the SELECT list, so their values lead.
        matchSQL = """
            SELECT r.rowid AS rid, \(score) AS score, r.updated_at AS updated_at, r.title_key AS title_key,
                   r.kind AS kind, r.industry AS industry, r.region AS region, r.stage AS stage, r.origin AS origin
            FROM records AS r \(joins) \(whereClause)
            """
        matchValues = scoreValues + values
    }

    /// The ordering of a page, and the keyset condition that starts after `cursor`.
    static func page(order: SearchOrder, hasTerms: Bool, cursor: Cursor?) -> (orderBy: String, after: String, values: [SQLValue]) {
        switch (order, hasTerms) {
        case (.relevance, true):
            let after = cursor.map { _ in "WHERE (score < ? OR (score = ? AND rid > ?))" } ?? ""
            let values: [SQLValue] = cursor.map { [.real($0.score), .real($0.score), .integer($0.rowid)] } ?? []
            return ("score DESC, rid ASC", after, values)
        case (.title, _):
            let after = cursor.map { _ in "WHERE (title_key > ? OR (title_key = ? AND rid > ?))" } ?? ""
            let values: [SQLValue] = cursor.map { [.text($0.key), .text($0.key), .integer($0.rowid)] } ?? []
            return ("title_key ASC, rid ASC", after, values)
        default:
            let after = cursor.map { _ in "WHERE (updated_at < ? OR (updated_at = ? AND rid < ?))" } ?? ""
            let values: [SQLValue] = cursor.map { [.text($0.key), .text($0.key), .integer($0.rowid)] } ?? []
            return ("updated_at DESC, rid DESC", after, values)
        }
    }
}

/// The position after which the next page starts: the last hit's sort value and rowid.
///
/// Sent to clients as an opaque base64url token; a token that does not decode is refused.
struct Cursor: Hashable {
    var score: Double
    var key: String
    var rowid: Int64

    var token: String {
        let text = "1\u{1F}\(score.bitPattern)\u{1F}\(key)\u{1F}\(rowid)"
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(score: Double, key: String, rowid: Int64) {
        self.score = score
        self.key = key
        self.rowid = rowid
    }

    init(token: String) throws {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard token.count <= 4096, let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8)
        else { throw StoreError.invalidArgument("invalid cursor") }
        let parts = text.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "1", let bits = UInt64(parts[1]), let rowid = Int64(parts[3]) else {
            throw StoreError.invalidArgument("invalid cursor")
        }
        self.init(score: Double(bitPattern: bits), key: String(parts[2]), rowid: rowid)
    }
}
