public import Catalog
public import Foundation
import SQLite

/// The node's store: one SQLite file in WAL mode, owned by this actor through its one writer
/// connection.
///
/// Every write goes through the actor, one transaction at a time; readers open their own
/// read-only connections (`CatalogReader`), so searching never waits for an import.
public actor CatalogStore {
    /// The database file.
    public nonisolated let path: String
    /// Who this node is; its id is the origin of the records it may change.
    public nonisolated let node: NodeInfo
    private let connection: Connection

    /// Creates the database of a new node at `path`.
    ///
    /// - Throws: `StoreError.nodeExists` when a database is already there.
    public static func create(path: String, node: NodeInfo) throws -> CatalogStore {
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError.nodeExists(path) }
        let connection = try Connection(path: path, mode: .readWrite(create: true))
        try connection.execute("PRAGMA journal_mode = WAL")
        try Schema.migrate(connection)
        try connection.transaction {
            for (key, value) in [("node_id", node.id), ("name", node.name), ("region", node.region.code), ("created_at", node.createdAt)] {
                try connection.run("INSERT INTO node (key, value) VALUES (?, ?)", [.text(key), .text(value)])
            }
        }
        return try CatalogStore(path: path)
    }

    /// Opens the existing database at `path`, applying any pending migration.
    ///
    /// - Throws: `StoreError.noNode` when there is no database.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.noNode(path) }
        let connection = try Schema.open(path: path, readOnly: false)
        try Schema.migrate(connection)
        self.path = path
        self.connection = connection
        self.node = try Self.readNode(connection, path: path)
    }

    static func readNode(_ connection: Connection, path: String) throws -> NodeInfo {
        let pairs = try connection.prepare("SELECT key, value FROM node").query { ($0.text(0) ?? "", $0.text(1) ?? "") }
        let values = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        guard let id = values["node_id"], let name = values["name"], let regionCode = values["region"],
            let region = Region(code: regionCode)
        else { throw StoreError.noNode(path) }
        return NodeInfo(id: id, name: name, region: region, createdAt: values["created_at"] ?? "")
    }

    /// Creates or updates one of this node's records.
    ///
    /// - Throws: `StoreError.foreignOrigin` for another origin's id.
    public func put(_ project: Project, now: Date = Date()) throws -> PutOutcome {
        try requireOwn(project.id)
        return try connection.transaction {
            try RecordWriter(connection: connection).put(project, now: DateText.timestamp(now))
        }
    }

    /// Deletes one of this node's records, leaving a tombstone.
    ///
    /// - Returns: the version the deletion reached.
    public func delete(_ id: RecordID, now: Date = Date()) throws -> Int {
        try requireOwn(id)
        return try connection.transaction {
            try RecordWriter(connection: connection).delete(id, now: DateText.timestamp(now))
        }
    }

    /// Imports a JSON array or CSV file atomically: every record is valid and written, or none is.
    public func importProjects(from source: ImportSource, now: Date = Date()) throws -> ImportReport {
        try ProjectImporter(connection: connection, origin: node.id, now: DateText.timestamp(now)).run(source)
    }

    private func requireOwn(_ id: RecordID) throws {
        guard id.origin == node.id else { throw StoreError.foreignOrigin(id, node: node.id) }
    }
}
