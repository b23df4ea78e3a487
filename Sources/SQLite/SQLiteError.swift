internal import CSQLite

/// An error reported by SQLite, with its result code, message and the SQL that caused it.
///
/// Modelled on GRDB's `DatabaseError`: the raw (extended) result code is kept so that callers can
/// tell a constraint violation from a busy database, and the SQL is kept so a log line says which
/// statement failed. Bound parameter values are never included: they may hold personal data.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The extended result code (`sqlite3_extended_errcode`).
    public let extendedCode: Int32
    /// SQLite's message (`sqlite3_errmsg`) or a description of the wrapper's own failure.
    public let message: String
    /// The statement being prepared or run, if any.
    public let sql: String?

    /// The primary result code: the low byte of the extended code.
    public var code: Int32 { extendedCode & 0xff }

    /// True when the error is a constraint violation (`SQLITE_CONSTRAINT`).
    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    /// True when the database was locked by another connection (`SQLITE_BUSY` / `SQLITE_LOCKED`).
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    public var description: String {
        let name = String(cString: sqlite3_errstr(extendedCode))
        if let sql {
            return "SQLite error \(extendedCode) (\(name)): \(message) in \(sql)"
        }
        return "SQLite error \(extendedCode) (\(name)): \(message)"
    }
}
