import Catalog
import SQLite

/// The `typed_objects` table: each typed object's accepted state (migration 11).
enum TypedObjects {
    /// The id's last accepted version, nil if none.
    static func version(_ id: TypedObjectID, connection: Connection) throws -> Int? {
        try connection.prepare("SELECT version FROM typed_objects WHERE id = ?").queryFirst([.text(id.description)]) { $0.int(0) }
    }

    /// The id's current body, nil when it has none (never written, deleted or redacted).
    static func body(_ id: TypedObjectID, connection: Connection) throws -> [UInt8]? {
        try connection.prepare("SELECT body FROM typed_objects WHERE id = ?").queryFirst([.text(id.description)]) { $0.blob(0) } ?? nil
    }

    static func put(_ id: TypedObjectID, version: Int, body: [UInt8], connection: Connection) throws {
        try connection.run(
            "INSERT OR REPLACE INTO typed_objects (id, origin, type, version, body) VALUES (?, ?, ?, ?, ?)",
            [.text(id.description), .text(id.origin), .text(id.type), .integer(Int64(version)), .blob(body)])
    }

    static func remove(_ id: TypedObjectID, version: Int, connection: Connection) throws {
        try connection.run(
            "INSERT OR REPLACE INTO typed_objects (id, origin, type, version, body) VALUES (?, ?, ?, ?, NULL)",
            [.text(id.description), .text(id.origin), .text(id.type), .integer(Int64(version))])
    }

    /// The current bodies of `type`, by id.
    static func bodies(type: String, connection: Connection) throws -> [(id: String, body: [UInt8])] {
        try connection.prepare("SELECT id, body FROM typed_objects WHERE type = ? AND body IS NOT NULL ORDER BY id").query([.text(type)]) {
            ($0.text(0) ?? "", $0.blob(1) ?? [])
        }
    }
}
