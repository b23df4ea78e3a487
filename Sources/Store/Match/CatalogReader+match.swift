public import Catalog
import JSON
import SQLite

/// A pair of `match --all` as stored for one catalog generation: its JSON and what filters read.
public struct StoredMatchPair: Sendable, Hashable {
    /// True when the two clusters' region sets do not intersect.
    public let crossRegion: Bool
    /// The industries of both sides.
    public let industries: [String]
    /// The regions of both sides' members.
    public let regions: [String]
    /// The pair's JSON (`{"a", "b", "score", "reasons"}`), compact.
    public let json: String

    public init(crossRegion: Bool, industries: [String], regions: [String], json: String) {
        self.crossRegion = crossRegion
        self.industries = industries
        self.regions = regions
        self.json = json
    }
}

/// The reads of matching (protocols/matching.md): a subject's cluster, candidate clusters found
/// through the full-text indexes with a cap, and the catalog's pair frequencies for IDF.
///
/// Nothing here reads the whole catalog: candidates come from `records_grams` (ranked by BM25,
/// at most `cap`) narrowed by `records_tags`, finance products from the `records_facets` index.
extension CatalogReader {
    /// The cluster of the record `id` (any member), as its unified record; nil for no such record.
    public func clusterProject(of id: RecordID) throws -> ClusterProject? {
        let cluster = try connection.prepare("SELECT cluster_id FROM cluster_members WHERE record_id = ?")
            .queryFirst([.text(id.description)]) { $0.text(0) } ?? nil
        if let cluster { return try clusterProject(cluster: cluster) }
        // Not merged yet (a reader cannot merge): the record stands alone.
        guard let project = try project(id) else { return nil }
        return ClusterProject(project: project, cluster: id.description, regions: [project.organization.region.code])
    }

    /// The unified record of `cluster` with its members' regions.
    func clusterProject(cluster: String) throws -> ClusterProject? {
        guard let entry = try connection.prepare("SELECT entry FROM unified WHERE cluster_id = ?")
            .queryFirst([.text(cluster)], row: { $0.blob(0) }) ?? nil
        else { return nil }
        let value = try JSONParser.parse(entry)
        guard let record = value["record"] else { throw StoreError.corrupt("unified entry \(cluster) has no record") }
        let project: Project
        do {
            project = try ProjectDecoder(mode: .stored).decode(record)
        } catch {
            throw StoreError.corrupt("unified entry \(cluster): the record does not decode: \(error)")
        }
        let regions = try connection.prepare(
            "SELECT DISTINCT r.region FROM cluster_members AS c JOIN records AS r ON r.id = c.record_id WHERE c.cluster_id = ?"
        ).query([.text(cluster)]) { $0.text(0) ?? "" }
        return ClusterProject(project: project, cluster: cluster, regions: regions.isEmpty ? [project.organization.region.code] : regions)
    }

    /// The records that best match `terms` (BM25 over `records_grams`), among records of
    /// `kinds`, at most `cap`, in rank order.
    ///
    /// A term of two or more letters or digits becomes the phrase of its character pairs (a
    /// substring match); the phrases are joined by OR.
    ///
    /// `excludingRegions` leaves out records of those regions (a cross-region request: the
    /// subject's own regions), so that the cap is spent on candidates that can be shown.
    public func matchCandidates(terms: [String], kinds: [ProjectKind], cap: Int, excludingRegions: [String] = []) throws -> [RecordID] {
        guard let expression = Self.pairExpression(terms), !kinds.isEmpty else { return [] }
        // The kind is tested on the joined row: an FTS5 query with a second MATCH in a subquery
        // runs that subquery per row (800 ms on 3,000 records, against 10 ms this way).
        let kindList = kinds.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let regionTest = excludingRegions.isEmpty ? "" : " AND r.region NOT IN (\(excludingRegions.map { _ in "?" }.joined(separator: ", ")))"
        let ids = try connection.prepare(
            """
            SELECT r.id FROM records_grams AS g JOIN records AS r ON r.rowid = g.rowid
            WHERE records_grams MATCH ? AND r.kind IN (\(kindList))\(regionTest)
            ORDER BY g.rank, r.id LIMIT ?
            """
        ).query([.text(expression)] + excludingRegions.map { .text($0) } + [.integer(Int64(cap))]) { $0.text(0) ?? "" }
        return try Self.recordIDs(ids)
    }

    /// The records of `kinds` whose filter tags match: for a finance product, the projects of
    /// its eligible industries and regions, newest first, at most `cap`.
    public func matchCandidates(kinds: [ProjectKind], industries: [Industry], regions: [Region], cap: Int) throws -> [RecordID] {
        guard !kinds.isEmpty else { return [] }
        var groups = [kinds.map { "\"k_\($0.rawValue)\"" }]
        if !industries.isEmpty { groups.append(industries.map { "\"i_\($0.rawValue)\"" }) }
        if !regions.isEmpty { groups.append(regions.map(\.code).filter(SearchTags.isTagSafe).map { "\"r_\($0)\"" }) }
        let expression = groups.map { "(" + $0.joined(separator: " OR ") + ")" }.joined(separator: " AND ")
        let ids = try connection.prepare(
            """
            SELECT r.id FROM records AS r JOIN (
                SELECT rowid FROM records_tags WHERE records_tags MATCH ? ORDER BY rowid DESC LIMIT ?
            ) AS t ON t.rowid = r.rowid ORDER BY r.rowid DESC
            """
        ).query([.text(expression), .integer(Int64(cap))]) { $0.text(0) ?? "" }
        return try Self.recordIDs(ids)
    }

    /// The finance products, at most `cap` (from the kind index, not a scan).
    public func financeCandidates(cap: Int) throws -> [RecordID] {
        let ids = try connection.prepare("SELECT id FROM records WHERE kind = 'finance' ORDER BY id LIMIT ?")
            .query([.integer(Int64(cap))]) { $0.text(0) ?? "" }
        return try Self.recordIDs(ids)
    }

    /// The clusters of the challenge records, for `match --all`, in cluster order.
    public func challengeClusters() throws -> [ClusterProject] {
        let clusters = try connection.prepare(
            """
            SELECT DISTINCT c.cluster_id FROM records AS r JOIN cluster_members AS c ON c.record_id = r.id
            WHERE r.kind = 'challenge' ORDER BY c.cluster_id
            """
        ).query { $0.text(0) ?? "" }
        return try clusters.compactMap { try clusterProject(cluster: $0) }
    }

    /// Records holding each character pair, from `records_grams`' own vocabulary.
    public func pairFrequencies(_ pairs: Set<String>) throws -> [String: Int] {
        try connection.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.match_pair_vocab USING fts5vocab(main, 'records_grams', 'row')")
        let statement = try connection.prepare("SELECT doc FROM temp.match_pair_vocab WHERE term = ?")
        var result: [String: Int] = [:]
        for pair in pairs {
            if let doc = try statement.queryFirst([.text(pair)], row: { $0.int(0) }) { result[pair] = doc }
        }
        return result
    }

    /// The mean number of character pairs per record in `records_grams` (BM25's average document
    /// length), from the totals FTS5 keeps in its averages record (`records_grams_data`, id 1: a
    /// varint row count, then a varint token count per column), so no scan; 0 when empty.
    public func averageGramLength() throws -> Double {
        guard let blob = try connection.prepare("SELECT block FROM records_grams_data WHERE id = 1").queryFirst(row: { $0.blob(0) }) ?? nil
        else { return 0 }
        var bytes = blob[...]
        // An index that never held a row has an empty averages record.
        guard !bytes.isEmpty else { return 0 }
        guard let rows = Self.fts5Varint(&bytes), let tokens = rows == 0 ? 0 : Self.fts5Varint(&bytes) else {
            throw StoreError.corrupt("records_grams: the averages record does not decode")
        }
        return rows == 0 ? 0 : Double(tokens) / Double(rows)
    }

    /// SQLite's varint (big-endian groups of 7 bits, the ninth byte whole), as FTS5 writes it.
    static func fts5Varint(_ bytes: inout ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for index in 0..<9 {
            guard let byte = bytes.popFirst() else { return nil }
            if index == 8 { return value << 8 | UInt64(byte) }
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 { return value }
        }
        return value
    }

    /// The number of records, for IDF.
    public func recordCount() throws -> Int {
        try connection.prepare("SELECT count(*) FROM records").queryFirst { $0.int(0) } ?? 0
    }

    /// The generation of the unified catalog (`catalog_state`), raised by every merge that changes it.
    public func catalogGeneration() throws -> Int {
        try connection.prepare("SELECT generation FROM catalog_state").queryFirst { $0.int(0) } ?? 0
    }

    /// The stored `match --all` pairs when they were computed for `key` (catalog generation and
    /// day), else nil.
    public func storedMatchPairs(key: String) throws -> [StoredMatchPair]? {
        let stored = try connection.prepare("SELECT key FROM match_state").queryFirst { $0.text(0) } ?? nil
        guard stored == key else { return nil }
        return try connection.prepare("SELECT cross_region, industries, regions, pair FROM match_pairs ORDER BY position").query { row in
            StoredMatchPair(
                crossRegion: row.int(0) != 0, industries: (row.text(1) ?? "").split(separator: " ").map(String.init),
                regions: (row.text(2) ?? "").split(separator: " ").map(String.init), json: row.text(3) ?? "")
        }
    }

    private static func recordIDs(_ texts: [String]) throws -> [RecordID] {
        try texts.map { text in
            guard let id = RecordID(text) else { throw StoreError.corrupt("records.id \"\(text)\" is not a record id") }
            return id
        }
    }

    /// `"a b c" OR "d e"`: each term's character pairs as a phrase; nil when no term has a pair.
    static func pairExpression(_ terms: [String]) -> String? {
        var phrases: [String] = []
        for term in terms {
            let grams = SearchGrams.grams([TextNormalizer.fold(term)])
            guard !grams.isEmpty else { continue }
            let phrase = "\"" + grams + "\""
            if !phrases.contains(phrase) { phrases.append(phrase) }
        }
        return phrases.isEmpty ? nil : phrases.joined(separator: " OR ")
    }
}

extension CatalogStore {
    /// Replaces the stored `match --all` pairs with those computed for `key`.
    public func storeMatchPairs(_ pairs: [StoredMatchPair], key: String) throws {
        try connection.transaction {
            try connection.run("DELETE FROM match_pairs")
            let insert = try connection.prepare(
                "INSERT INTO match_pairs (position, cross_region, industries, regions, pair) VALUES (?, ?, ?, ?, ?)")
            for (position, pair) in pairs.enumerated() {
                try insert.run([
                    .integer(Int64(position)), .integer(pair.crossRegion ? 1 : 0), .text(pair.industries.joined(separator: " ")),
                    .text(pair.regions.joined(separator: " ")), .text(pair.json),
                ])
            }
            try connection.run("INSERT OR REPLACE INTO match_state (id, key) VALUES (1, ?)", [.text(key)])
        }
    }
}
