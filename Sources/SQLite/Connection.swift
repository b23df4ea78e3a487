internal import CSQLite

/// One SQLite database connection.
///
/// Owns its `sqlite3` handle and closes it in `deinit`. A connection is used from one task at a
/// time: the store's writer connection is owned by an actor, and readers open their own read-only
/// connections. Prepared statements are cached by SQL text, so hot paths prepare once.
///
/// Related SQLite documentation: <https://www.sqlite.org/c3ref/open.html>
public final class Connection {
    /// How to open the database file.
    public enum Mode: Sendable {
        /// Read and write; creates the file when `create` is true.
        case readWrite(create: Bool)
        /// Read only: writes fail with `SQLITE_READONLY`.
        case readOnly
    }

    let handle: OpaquePointer
    /// The path the connection was opened with.
    public let path: String
    private var cache: [String: Statement] = [:]

    /// Opens the database at `path` (`":memory:"` for a private in-memory database).
    ///
    /// The connection uses extended result codes and waits up to `busyTimeout` milliseconds for a
    /// lock held by another connection before failing with `SQLITE_BUSY`.
    public init(path: String, mode: Mode = .readWrite(create: true), busyTimeout: Int32 = 5_000) throws(SQLiteError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readWrite(let create):
            flags |= SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        case .readOnly:
            flags |= SQLITE_OPEN_READONLY
        }
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw SQLiteError(extendedCode: code, message: "\(message): \(path)")
        }
        self.handle = db
        self.path = path
        sqlite3_busy_timeout(db, busyTimeout)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Builds an error from the connection's current state.
    func error(code: Int32, sql: String?) -> SQLiteError {
        let extended = sqlite3_extended_errcode(handle)
        let message = String(cString: sqlite3_errmsg(handle))
        return SQLiteError(extendedCode: extended != 0 ? extended : code, message: message, sql: sql)
    }

    /// Runs one or more SQL statements that take no parameters (schema, pragmas).
    ///
    /// Related SQLite documentation: <https://www.sqlite.org/c3ref/exec.html>
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    /// Prepares `sql`, reusing a cached statement for the same text.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = cache[sql] { return statement }
        let statement = try Statement(connection: self, sql: sql)
        cache[sql] = statement
        return statement
    }

    /// Prepares `sql` without caching it (for one-off statements such as dynamic searches).
    public func prepareUncached(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// Runs `sql` with `values` and returns nothing.
    public func run(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) {
        try prepare(sql).run(values)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws.
    ///
    /// `IMMEDIATE` takes the write lock up front, so two writers never deadlock upgrading a read
    /// transaction. The commit is the only durable step: a crash before it leaves nothing behind.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try inTransaction("BEGIN IMMEDIATE", body)
    }

    /// Runs `body` inside `BEGIN … COMMIT` (deferred, taking no lock until the first read), so
    /// that every statement in it reads the same snapshot of the database.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try inTransaction("BEGIN", body)
    }

    private func inTransaction<T>(_ begin: String, _ body: () throws -> T) throws -> T {
        try execute(begin)
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // The body's error is the one to report: a rollback that fails leaves SQLite to roll
            // back when the connection closes, and a read-only transaction loses nothing either way.
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The rowid of the most recent successful insert.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the most recent statement.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// `PRAGMA user_version`, which the store uses as its migration number.
    public func userVersion() throws(SQLiteError) -> Int {
        try prepare("PRAGMA user_version").queryFirst { $0.int(0) } ?? 0
    }

    /// Sets `PRAGMA user_version` (pragmas cannot take bound parameters).
    public func setUserVersion(_ version: Int) throws(SQLiteError) {
        try execute("PRAGMA user_version = \(version)")
    }

    /// The SQLite library version, e.g. "3.40.1".
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

@available(*, unavailable)
extension Connection: Sendable {}

extension Connection {
    /// Copies this database whole into `destination` with SQLite's online backup
    /// (<https://www.sqlite.org/backup.html>), in one step: the copy is one consistent snapshot,
    /// taken in a read transaction, while other connections and processes go on writing (in WAL
    /// mode a reader never waits for the writer, nor the writer for it).
    ///
    /// A step that finds the source locked (`SQLITE_BUSY`, `SQLITE_LOCKED`) is retried for up to
    /// `busyTimeout` milliseconds, then the error is thrown; the destination's content is then
    /// undefined and the caller discards it.
    public func backup(to destination: Connection, busyTimeout: Int32 = 10_000) throws(SQLiteError) {
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw destination.error(code: sqlite3_errcode(destination.handle), sql: nil)
        }
        var waited: Int32 = 0
        var code = sqlite3_backup_step(backup, -1)
        while code == SQLITE_BUSY || code == SQLITE_LOCKED, waited < busyTimeout {
            sqlite3_sleep(50)
            waited += 50
            code = sqlite3_backup_step(backup, -1)
        }
        // finish releases the backup whatever happened; its code repeats the step's error.
        let finished = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE else {
            throw SQLiteError(extendedCode: code, message: "online backup of \(path) failed: \(String(cString: sqlite3_errstr(code)))")
        }
        guard finished == SQLITE_OK else { throw destination.error(code: finished, sql: nil) }
    }
}
