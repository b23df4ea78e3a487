import Catalog
import Foundation
import SQLite

/// What a write did to one record.
public enum PutOutcome: Sendable, Hashable {
    /// A new record (or one re-created after deletion) at this version.
    case created(version: Int)
    /// The content changed; the record moved to this version.
    case updated(version: Int)
    /// The content was equal; nothing was written.
    case unchanged(version: Int)
}

/// The record-level writes, run by the store inside its transactions on the writer connection.
///
/// The node owns versions and timestamps: a record is created at version 1 (or one past its
/// tombstone), and moves on by exactly one when its content really changes.
struct RecordWriter {
    let connection: Connection

    /// Creates or updates `project`, whose node-owned fields are ignored and set here.
    func put(_ input: Project, now: String) throws -> PutOutcome {
        var project = input
        let hash = try RecordRow.contentHash(project)
        let existing = try connection.prepare(
            "SELECT rowid, version, content_hash, created_at, stage FROM records WHERE id = ?"
        ).queryFirst([.text(project.id.description)]) { row in
            (rowid: row.int64(0), version: row.int(1), hash: row.blob(2) ?? [], createdAt: row.text(3) ?? "",
             stage: row.int(4))
        }
        if let existing {
            if existing.hash == hash { return .unchanged(version: existing.version) }
            if existing.stage > project.stage.ordinal {
                throw StoreError.ruleViolation(
                    field: "stage",
                    "cannot go back from \(Stage.allCases[existing.stage].rawValue) to \(project.stage.rawValue) "
                        + "(a stage once reached is not lost)")
            }
            project.version = existing.version + 1
            project.createdAt = existing.createdAt
            project.updatedAt = now
            let values = try RecordRow.values(for: project, contentHash: hash)
            try deleteGrams(rowid: existing.rowid)
            try connection.run(
                "UPDATE records SET (\(RecordRow.insertColumns)) = (\(placeholders(values.count))) WHERE rowid = ?",
                values + [.integer(existing.rowid)])
            try insertGrams(rowid: existing.rowid, values: values)
            return .updated(version: project.version)
        }
        let tombstone = try connection.prepare("SELECT version FROM tombstones WHERE id = ?")
            .queryFirst([.text(project.id.description)]) { $0.int(0) }
        project.version = (tombstone ?? 0) + 1
        project.createdAt = now
        project.updatedAt = now
        let values = try RecordRow.values(for: project, contentHash: hash)
        try connection.run(
            "INSERT INTO records (\(RecordRow.insertColumns)) VALUES (\(placeholders(values.count)))", values)
        try insertGrams(rowid: connection.lastInsertRowID, values: values)
        if tombstone != nil {
            try connection.run("DELETE FROM tombstones WHERE id = ?", [.text(project.id.description)])
        }
        return .created(version: project.version)
    }

    /// Deletes a record, keeping a tombstone with the version the deletion reached.
    ///
    /// - Returns: the tombstone's version.
    func delete(_ id: RecordID, now: String) throws -> Int {
        guard let (rowid, version) = try connection.prepare("SELECT rowid, version FROM records WHERE id = ?")
            .queryFirst([.text(id.description)], row: { ($0.int64(0), $0.int(1)) })
        else { throw StoreError.notFound(id.description) }
        try deleteGrams(rowid: rowid)
        try connection.run("DELETE FROM records WHERE rowid = ?", [.integer(rowid)])
        try connection.run(
            "INSERT OR REPLACE INTO tombstones (id, origin, version, deleted_at) VALUES (?, ?, ?, ?)",
            [.text(id.description), .text(id.origin), .integer(Int64(version + 1)), .text(now)])
        return version + 1
    }

    /// Indexes the two-character grams of a row whose `insertColumns` values are `values`.
    private func insertGrams(rowid: Int64, values: [SQLValue]) throws {
        let folded = values.suffix(4).map { value -> String in
            if case .text(let text) = value { return text }
            return ""
        }
        try connection.run(
            "INSERT INTO records_grams (rowid, grams) VALUES (?, ?)", [.integer(rowid), .text(SearchGrams.grams(folded))])
    }

    /// Removes a row's grams, re-deriving them from its stored folded columns (contentless FTS5
    /// deletes only the exact tokens it was given).
    private func deleteGrams(rowid: Int64) throws {
        guard let folded = try connection.prepare(
            "SELECT s_title, s_summary, s_keywords, s_org FROM records WHERE rowid = ?"
        ).queryFirst([.integer(rowid)], row: { row in (0..<4).map { row.text($0) ?? "" } })
        else { return }
        try connection.run(
            "INSERT INTO records_grams (records_grams, rowid, grams) VALUES ('delete', ?, ?)",
            [.integer(rowid), .text(SearchGrams.grams(folded))])
    }

    private func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
