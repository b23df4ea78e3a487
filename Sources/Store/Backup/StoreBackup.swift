public import Catalog
import Feed
public import Foundation
public import Signing
import SQLite

/// What a backup file holds, as `backup` and `restore` report it.
public struct BackupSummary: Sendable {
    public let node: NodeInfo
    /// Entries of each origin's log held, by origin (the node's own included).
    public let logs: [String: Int]
    /// Records held, of every origin.
    public let records: Int
    /// The file's size in bytes.
    public let bytes: Int
    /// The node's own root key as its manifest names it (nil before the first checkpoint).
    public let manifestRootKey: Ed25519PublicKey?

    public var ownEntries: Int { logs[node.id] ?? 0 }
}

/// One origin's log as `restore` checked it (`RestoredLogs`).
public struct RestoredLog: Sendable {
    public let origin: String
    /// Entries held, and of those, the ones a signed checkpoint covers.
    public let entries: Int
    public let signed: Int
    /// When that checkpoint expired (or expires): a backup is usually older than a week.
    public let expiresAt: String?
}

/// `kechuang backup` and `kechuang restore`: a node's database copied whole with SQLite's
/// online backup, consistent while `serve` runs and syncs.
///
/// A backup is the database alone: catalog, every origin's log with checkpoints, trust, peers,
/// deals, roadshows, the audit trail. Keys and tokens are not in it (DIR/keys, DIR/admin.token,
/// DIR/staff.tokens): the root key belongs offline, and a file holding the online keys would be
/// a second place to guard them.
public enum StoreBackup {
    /// Copies the database at `database` to a new file `destination`, mode 0600 (it holds every
    /// contact in full): written under a temporary name beside it, flushed, then linked into
    /// place, so `destination` is whole or absent. The copy is a self-contained rollback-journal
    /// database (no `-wal` beside it).
    ///
    /// - Throws: `StoreError.invalidArgument` when `destination` exists (a backup never replaces
    ///   a file); `StoreError.database` when the copy fails (nothing is left behind).
    public static func write(database: String, to destination: String) throws -> BackupSummary {
        guard FileManager.default.fileExists(atPath: database) else { throw StoreError.noNode(database) }
        var status = stat()
        guard unsafe lstat(destination, &status) != 0 else {
            throw StoreError.invalidArgument("\(destination) exists; a backup never replaces a file (name a new one)")
        }
        let partial = destination + ".partial-" + Hex.encode(SecureRandom.bytes(6))
        defer { removeDatabaseFiles(partial) }
        try copy(from: database, to: partial)
        let summary: BackupSummary
        do {
            let connection = try Connection(path: partial, mode: .readWrite(create: false))
            try connection.execute("PRAGMA journal_mode = DELETE")
            try quickCheck(connection, path: destination)
            summary = try summarize(connection, path: partial)
        }
        try flush(partial)
        // link, not rename: a file created at `destination` meanwhile is never replaced.
        guard unsafe link(partial, destination) == 0 else {
            throw StoreError.unreadable(destination, "cannot create it: \(unsafe String(cString: strerror(errno)))")
        }
        KeyFile.syncDirectory(containing: destination)
        return summary
    }

    /// What the backup file at `path` holds (read-only).
    public static func summary(of path: String) throws -> BackupSummary {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.unreadable(path, "no such file") }
        let connection: Connection
        do {
            connection = try Connection(path: path, mode: .readOnly)
            try checkSchema(connection, path: path)
            return try summarize(connection, path: path)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unreadable(path, "not a kechuang database: \(error)")
        }
    }

    /// Copies the backup `source` to `partial` (mode 0600), brings its schema up to this version,
    /// verifies every log it holds (`RestoredLogs`), switches it to WAL, and sets `hold` in it
    /// (nil: no hold, `--latest`). The caller moves `partial` into place.
    ///
    /// - Parameter ownRootKey: the node's root key (DIR/keys/root.pub); nil to take the one its
    ///   manifest names.
    /// - Throws: `StoreError.unreadable` naming the backup and the origin, file, line or seq
    ///   that failed; `partial` is then removed.
    public static func prepareRestore(
        from source: String, to partial: String, ownRootKey: Ed25519PublicKey?, hold: (_ summary: BackupSummary, _ rootKey: Ed25519PublicKey) -> RestoreHold?,
        now: Date
    ) throws -> (summary: BackupSummary, logs: [RestoredLog], rootKey: Ed25519PublicKey) {
        let summary = try Self.summary(of: source)
        var done = false
        defer { if !done { removeDatabaseFiles(partial) } }
        try copy(from: source, to: partial)
        let result: (logs: [RestoredLog], rootKey: Ed25519PublicKey)
        do {
            let connection = try Connection(path: partial, mode: .readWrite(create: false))
            try connection.execute("PRAGMA journal_mode = DELETE")
            try Schema.migrate(connection)
            guard let rootKey = ownRootKey ?? summary.manifestRootKey else {
                throw StoreError.unreadable(source, "the backup holds no manifest naming the node's root key, and keys/root.pub is missing")
            }
            do {
                result = (try RestoredLogs(connection: connection, node: summary.node.id, rootKey: rootKey, now: now).verify(), rootKey)
            } catch let error as FeedError {
                throw StoreError.unreadable(source, "\(error.description); nothing was restored")
            } catch let error as RestoredState.Mismatch {
                throw StoreError.unreadable(source, "\(error.description); nothing was restored")
            }
            let held = hold(summary, rootKey)
            // A backup taken while its node was held carries that hold: this restore decides anew.
            try connection.run("DELETE FROM node WHERE key = ?", [.text(RestoreHold.key)])
            try held?.write(connection)
            try connection.run(
                "INSERT INTO audit (time, token, action, target, detail) VALUES (?, 'operator', 'restore', ?, ?)",
                [.text(DateText.timestamp(now)), .text(summary.node.id),
                 .text("restored from \(source) (\(summary.ownEntries) entries of its own log); " + (held == nil ? "asserted newest (--latest)" : "publishing held"))])
            try connection.execute("PRAGMA journal_mode = WAL")
        }
        try flush(partial)
        done = true
        return (summary, result.logs, result.rootKey)
    }

    /// The online backup of `source` into a new file `destination`, mode 0600.
    private static func copy(from source: String, to destination: String) throws {
        try AtomicFile.write([], to: destination, mode: 0o600, replacing: false, sync: false)
        let from = try Connection(path: source, mode: .readOnly)
        let to = try Connection(path: destination, mode: .readWrite(create: false))
        try from.backup(to: to)
    }

    /// Refuses a database whose schema is not exactly what kechuang makes at its version: a table,
    /// index, view or trigger added or changed. Read from `sqlite_master` before any other query,
    /// so that nothing of the file runs (a view in place of a table, a trigger that would fire on
    /// the restore's own writes, such as one erasing audit rows).
    private static func checkSchema(_ connection: Connection, path: String) throws {
        let version = try connection.userVersion()
        guard (1...Schema.migrations.count).contains(version) else {
            throw StoreError.unreadable(path, "not a kechuang database of a known version (schema version \(version); this kechuang makes 1–\(Schema.migrations.count))")
        }
        let held = try Schema.objects(of: connection), made = try Schema.objects(atVersion: version)
        guard held != made else { return }
        let extra = held.subtracting(made).sorted { $0.name < $1.name }.map { "\($0.type) \($0.name)" }
        let missing = made.subtracting(held).sorted { $0.name < $1.name }.map { "\($0.type) \($0.name)" }
        var problems: [String] = []
        if !extra.isEmpty { problems.append("holds what kechuang (schema version \(version)) does not make, or makes otherwise: " + extra.prefix(5).joined(separator: ", ")) }
        if !missing.isEmpty { problems.append("lacks " + missing.prefix(5).joined(separator: ", ")) }
        throw StoreError.unreadable(path, "not a kechuang database as made: it " + problems.joined(separator: "; it ") + "; nothing of it was run, and nothing was restored")
    }

    private static func quickCheck(_ connection: Connection, path: String) throws {
        let result = try connection.prepare("PRAGMA quick_check").query { $0.text(0) ?? "" }
        guard result == ["ok"] else { throw StoreError.unreadable(path, "the copy fails SQLite's quick_check: \(result.prefix(3).joined(separator: "; "))") }
    }

    private static func summarize(_ connection: Connection, path: String) throws -> BackupSummary {
        let node = try CatalogStore.readNode(connection, path: path)
        let logs = try connection.prepare("SELECT origin, max(seq) + 1 FROM log_entries GROUP BY origin").query { ($0.text(0) ?? "", $0.int(1)) }
        let records = try connection.prepare("SELECT count(*) FROM records").queryFirst { $0.int(0) } ?? 0
        let manifest = try connection.prepare("SELECT bytes FROM published WHERE name = 'manifest'").queryFirst { $0.blob(0) } ?? nil
        let rootKey: Ed25519PublicKey?
        do { rootKey = try manifest.map { try NodeManifest(bytes: $0).rootKey } } catch {
            throw StoreError.unreadable(path, "the node manifest it holds does not decode: \(error)")
        }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        return BackupSummary(
            node: node, logs: Dictionary(logs, uniquingKeysWith: { first, _ in first }), records: records, bytes: size,
            manifestRootKey: rootKey)
    }

    /// Flushes `path` to disk.
    private static func flush(_ path: String) throws {
        let descriptor = unsafe open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StoreError.unreadable(path, "cannot open it to flush: \(unsafe String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StoreError.unreadable(path, "fsync: \(unsafe String(cString: strerror(errno)))") }
    }

    /// Removes a database file with its journal, WAL and shared-memory files (those absent are skipped).
    public static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unsafe unlink(path + suffix) }
    }
}
