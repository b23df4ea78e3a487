public import Catalog
import JSON
import Query
import SQLite
import Store

/// The plain baseline of issue 10, item 3: BM25 over the fields the matcher reads (title,
/// summary, keywords, and a challenge's problem and target metrics), indexed as character
/// bigrams in an FTS5 table of the same catalog; the query is the OR of the demand's bigrams.
public struct BaselineRanker {
    let connection: Connection

    /// Builds the bigram index `baseline_grams` in the database at `path` (a test copy).
    public init(database path: String) throws {
        connection = try Connection(path: path, mode: .readWrite(create: false))
        try connection.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS baseline_grams USING fts5(grams, tokenize = 'unicode61 remove_diacritics 0')")
        let count = try connection.prepare("SELECT count(*) FROM baseline_grams").queryFirst { $0.int(0) } ?? 0
        guard count == 0 else { return }
        let rows = try connection.prepare("SELECT rowid, body FROM records").query { ($0.int64(0), $0.text(1) ?? "") }
        let insert = try connection.prepare("INSERT INTO baseline_grams (rowid, grams) VALUES (?, ?)")
        try connection.transaction {
            for (rowid, body) in rows {
                let project = try ProjectDecoder(mode: .stored).decode(try JSONParser.parse(body))
                try insert.run([.integer(rowid), .text(Self.bigrams(project).joined(separator: " "))])
            }
        }
    }

    /// Every bigram of the fields, in order, repeats kept (BM25 counts them).
    public static func bigrams(_ project: Project) -> [String] {
        var fields = [project.title, project.summary] + project.keywords
        if case .challenge(let challenge) = project.details { fields += [challenge.problem] + challenge.targets.map(\.metric) }
        return fields.flatMap { MatchText.pairs(of: Array(TextNormalizer.fold($0).unicodeScalars)) }.map { MatchText.string(pair: $0) }
    }

    /// The FTS5 query of `demand`: the OR of its distinct bigrams, each quoted; empty when none.
    public static func query(_ demand: Project) -> String {
        Set(bigrams(demand)).sorted().map { "\"\($0)\"" }.joined(separator: " OR ")
    }

    /// The ranking: the best 100 achievements and technologies by BM25 for the query (`?`).
    /// `make bench` runs this same statement in the `sqlite3` tool, the query inlined.
    public static let statement = """
        SELECT r.id FROM baseline_grams AS g JOIN records AS r ON r.rowid = g.rowid
        WHERE baseline_grams MATCH ? AND r.kind IN ('achievement', 'technology') ORDER BY g.rank LIMIT 100
        """

    /// The ids of the best 100 achievements and technologies for `demand`.
    public func rank(_ demand: Project) throws -> [RecordID] {
        let query = Self.query(demand)
        guard !query.isEmpty else { return [] }
        return try connection.prepare(Self.statement).query([.text(query)]) { $0.text(0) ?? "" }.compactMap(RecordID.init)
    }
}
