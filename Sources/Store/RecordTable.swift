import Catalog
import Merge
import Signing
import SQLite

/// Writes rows of `records` with everything derived from them: the two-character search index,
/// the merge's inputs (duplicate key, `same_as` links) and the mark that the unified catalog must
/// look at the record again. Local writes (`RecordWriter`) and records applied from other origins'
/// logs (`OriginApplier`) both go through here, so the two can never drift apart.
struct RecordTable {
    let connection: Connection
    /// When set, the search-index writes are gathered here and written by `SearchIndexWrites.write`
    /// (in their order) instead of one by one (`OriginApplier`: see there why).
    var deferred: SearchIndexWrites? = nil

    /// Search-index (FTS5) writes gathered during a transaction, in order.
    ///
    /// Why: with `foreign_keys` on, every statement that writes `records` or its links runs in a
    /// statement savepoint, and SQLite opens that savepoint on every virtual table the
    /// transaction has written, which makes FTS5 flush its pending terms to a new segment at every
    /// such statement (one segment per record, then merged). Written after the other statements
    /// of the transaction, the terms of a whole batch of pages are flushed once.
    final class SearchIndexWrites {
        private var writes: [(sql: String, values: [SQLValue])] = []

        init() {}

        func append(_ sql: String, _ values: [SQLValue]) { writes.append((sql, values)) }

        /// Runs the gathered writes in order, and forgets them.
        func write(_ connection: Connection) throws {
            let pending = writes
            writes.removeAll()
            for write in pending { try connection.run(write.sql, write.values) }
        }
    }

    /// A record's row (the values of `RecordRow.insertColumns`, `dup_key` last) and its search
    /// grams and characters: everything the write needs that does not read the database, so that
    /// a sync can compute it for the next page while the current one is written.
    struct PreparedRow: Sendable {
        let values: [SQLValue]
        let grams: String
        let characters: String
    }

    static func prepare(_ project: Project, body: [UInt8]?) throws -> PreparedRow {
        let values = try RecordRow.values(for: project, contentHash: try hash(project, body: body), body: body)
        let folded = values.suffix(4).map { value -> String in
            if case .text(let text) = value { return text }
            return ""
        }
        return PreparedRow(
            values: values + [.text(Merge.duplicateKey(project))], grams: SearchGrams.grams(folded),
            characters: SearchGrams.characters(folded))
    }

    /// Inserts a record. `body` is the stored JSON: the node's own full record, or the body line
    /// a peer published, byte for byte (so fields this version does not know are kept).
    /// `prepared` is `prepare(project, body:)` when it was computed ahead.
    func insert(_ project: Project, body: [UInt8]? = nil, prepared: PreparedRow? = nil) throws {
        let row = try prepared ?? Self.prepare(project, body: body)
        try connection.run(
            "INSERT INTO records (\(RecordRow.insertColumns)) VALUES (\(placeholders(row.values.count)))", row.values)
        try insertGrams(rowid: connection.lastInsertRowID, row)
        try link(project)
        try markDirty(project.id)
    }

    /// Replaces the row `rowid` with a new state of its record.
    func replace(_ project: Project, rowid: Int64, body: [UInt8]? = nil, prepared: PreparedRow? = nil) throws {
        let row = try prepared ?? Self.prepare(project, body: body)
        try deleteGrams(rowid: rowid)
        try connection.run(
            "UPDATE records SET (\(RecordRow.insertColumns)) = (\(placeholders(row.values.count))) WHERE rowid = ?",
            row.values + [.integer(rowid)])
        try insertGrams(rowid: rowid, row)
        try link(project)
        try markDirty(project.id)
    }

    /// Removes the row of `id` (a deletion or a redaction) and leaves a tombstone at `version`.
    func remove(_ id: RecordID, rowid: Int64?, version: Int, now: String) throws {
        if let rowid {
            try deleteGrams(rowid: rowid)
            try connection.run("DELETE FROM records WHERE rowid = ?", [.integer(rowid)])
        }
        try connection.run("DELETE FROM record_links WHERE from_id = ?", [.text(id.description)])
        try connection.run(
            "INSERT OR REPLACE INTO tombstones (id, origin, version, deleted_at) VALUES (?, ?, ?, ?)",
            [.text(id.description), .text(id.origin), .integer(Int64(version)), .text(now)])
        try markDirty(id)
    }

    /// The content hash: for the node's own records that of their content (it decides whether a
    /// re-import changed anything); for records of other origins the hash of the body line as
    /// published, which is never compared with an import.
    private static func hash(_ project: Project, body: [UInt8]?) throws -> [UInt8] {
        if let body { return SHA256.hash(body) }
        return try RecordRow.contentHash(project)
    }

    /// The current row of `id`: its rowid, version, content hash, creation time and stage.
    func row(_ id: RecordID) throws -> (rowid: Int64, version: Int, hash: [UInt8], createdAt: String, stage: Int)? {
        try connection.prepare(
            "SELECT rowid, version, content_hash, created_at, stage FROM records WHERE id = ?"
        ).queryFirst([.text(id.description)]) { row in
            (row.int64(0), row.int(1), row.blob(2) ?? [], row.text(3) ?? "", row.int(4))
        }
    }

    /// The version of the tombstone of `id`, if it was deleted.
    func tombstoneVersion(_ id: RecordID) throws -> Int? {
        try connection.prepare("SELECT version FROM tombstones WHERE id = ?").queryFirst([.text(id.description)]) { $0.int(0) }
    }

    private func link(_ project: Project) throws {
        try connection.run("DELETE FROM record_links WHERE from_id = ?", [.text(project.id.description)])
        for target in project.sameAs {
            try connection.run(
                "INSERT OR IGNORE INTO record_links (from_id, to_id) VALUES (?, ?)",
                [.text(project.id.description), .text(target.description)])
        }
    }

    private func markDirty(_ id: RecordID) throws {
        try connection.run("INSERT OR IGNORE INTO merge_dirty (record_id) VALUES (?)", [.text(id.description)])
    }

    /// Indexes the two-character grams and the characters of a row.
    private func insertGrams(rowid: Int64, _ row: PreparedRow) throws {
        try search("INSERT INTO records_grams (rowid, grams) VALUES (?, ?)", [.integer(rowid), .text(row.grams)])
        try search("INSERT INTO records_chars (rowid, chars) VALUES (?, ?)", [.integer(rowid), .text(row.characters)])
    }

    /// A write of the search index: now, or gathered in `deferred`.
    private func search(_ sql: String, _ values: [SQLValue]) throws {
        if let deferred {
            deferred.append(sql, values)
        } else {
            try connection.run(sql, values)
        }
    }

    /// Removes a row's grams and characters, re-deriving them from its stored folded columns
    /// (contentless FTS5 deletes only the exact tokens it was given).
    private func deleteGrams(rowid: Int64) throws {
        guard let folded = try connection.prepare(
            "SELECT s_title, s_summary, s_keywords, s_org FROM records WHERE rowid = ?"
        ).queryFirst([.integer(rowid)], row: { row in (0..<4).map { row.text($0) ?? "" } })
        else { return }
        try search(
            "INSERT INTO records_grams (records_grams, rowid, grams) VALUES ('delete', ?, ?)",
            [.integer(rowid), .text(SearchGrams.grams(folded))])
        try search(
            "INSERT INTO records_chars (records_chars, rowid, chars) VALUES ('delete', ?, ?)",
            [.integer(rowid), .text(SearchGrams.characters(folded))])
    }

    private func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
