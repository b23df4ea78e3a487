public import Catalog
public import JSON
public import Feed
public import Foundation
public import Signing
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
    let connection: Connection
    private nonisolated let executor: StoreExecutor

    /// The store runs on a queue of its own, never on Swift's cooperative pool (see `StoreExecutor`).
    public nonisolated var unownedExecutor: UnownedSerialExecutor { unsafe executor.asUnownedSerialExecutor() }

    /// Runs `body` isolated to the store from synchronous code, such as a server thread, waiting
    /// for the writes before it. Never call it from the store's own methods (it would wait for
    /// itself).
    public nonisolated func synchronously<T: Sendable>(_ body: @Sendable (isolated CatalogStore) throws -> T) throws -> T {
        try executor.queue.sync { try self.assumeIsolated { try body($0) } }
    }

    /// Creates the database of a new node at `path`, readable and writable by its owner only.
    ///
    /// The database holds contacts in full, so it is private whatever the umask: the file is made
    /// empty with mode 0600 first (SQLite would create it 0644, the mode it forces on a new file),
    /// and SQLite gives its `-wal` and `-shm` files the database file's mode.
    ///
    /// - Throws: `StoreError.nodeExists` when a database is already there.
    public static func create(path: String, node: NodeInfo) throws -> CatalogStore {
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError.nodeExists(path) }
        // Refuses an existing file (one made since the check above) rather than replacing it.
        try AtomicFile.write([], to: path, mode: 0o600, replacing: false, sync: false)
        do {
            let connection = try Connection(path: path, mode: .readWrite(create: true))
            try connection.execute("PRAGMA journal_mode = WAL")
            try Schema.migrate(connection)
            try connection.transaction {
                for (key, value) in [("node_id", node.id), ("name", node.name), ("region", node.region.code), ("created_at", node.createdAt)] {
                    try connection.run("INSERT INTO node (key, value) VALUES (?, ?)", [.text(key), .text(value)])
                }
            }
        } catch let error as SQLiteError {
            throw StoreError.database(error, at: path)
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
        self.executor = StoreExecutor(label: "kechuang.store")
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
    /// - Parameter republish: publish a `contact` or `service_agent` again although a redaction
    ///   erased it; without it such a record is refused.
    /// - Throws: `StoreError.foreignOrigin` for another origin's id; `StoreError.ruleViolation`
    ///   naming the field for personal data a redaction erased.
    public func put(_ project: Project, now: Date = Date(), republish: Bool = false) throws -> PutOutcome {
        try requireOwn(project.id)
        try requireNotHeld()
        return try connection.transaction {
            var writer = try RecordWriter(connection: connection, origin: node.id)
            return try writer.put(project, now: DateText.timestamp(now), republish: republish)
        }
    }

    /// Deletes one of this node's records, leaving a tombstone.
    ///
    /// - Returns: the version the deletion reached.
    public func delete(_ id: RecordID, now: Date = Date()) throws -> Int {
        try requireOwn(id)
        try requireNotHeld()
        return try connection.transaction {
            var writer = try RecordWriter(connection: connection, origin: node.id)
            return try writer.delete(id, now: DateText.timestamp(now))
        }
    }

    /// Erases the personal data of one of this node's records (feed.md §4): earlier published
    /// bodies become redaction markers and a listed record is re-published without its contact
    /// and service agent.
    ///
    /// - Returns: the record's version afterwards and whether it is still listed.
    public func redact(_ id: RecordID, now: Date = Date()) throws -> (version: Int, listed: Bool) {
        try requireOwn(id)
        try requireNotHeld()
        return try connection.transaction {
            var writer = try RecordWriter(connection: connection, origin: node.id)
            return try writer.redact(id, now: DateText.timestamp(now))
        }
    }

    /// Redacts this node's typed object `id` (`RecordWriter.redactObject`).
    public func redact(_ id: TypedObjectID, now: Date = Date()) throws -> (version: Int, listed: Bool) {
        guard id.origin == node.id else { throw StoreError.foreignObject(id, node: node.id) }
        try requireNotHeld()
        return try connection.transaction {
            var writer = try RecordWriter(connection: connection, origin: node.id)
            return try writer.redactObject(id, now: DateText.timestamp(now))
        }
    }

    /// Appends a key statement, signed by this node's root key, to its log.
    public func appendKeyStatement(_ statement: KeyStatement, now: Date = Date()) throws -> LogEntry {
        guard statement.origin == node.id else {
            throw StoreError.invalidArgument("key statement is for origin \(statement.origin), not \(node.id)")
        }
        try requireNotHeld()
        return try connection.transaction {
            var writer = try RecordWriter(connection: connection, origin: node.id)
            return try writer.appendKeyStatement(statement, now: DateText.timestamp(now))
        }
    }

    /// Appends a typed object's next version to this node's log (`RecordWriter.appendObject`);
    /// the projects do not change.
    public func putObject(_ object: [String: JSONValue], now: Date = Date()) throws -> LogEntry {
        try requireNotHeld()
        return try connection.transaction {
            var writer = try RecordWriter(connection: connection, origin: node.id)
            return try writer.appendObject(object, now: DateText.timestamp(now))
        }
    }

    /// Signs a new checkpoint of this node's log when the log grew, when the last one is a day
    /// old, or when `force` is set.
    ///
    /// - Returns: the new checkpoint, or nil when none was due.
    /// The node manifest is signed again with every new checkpoint, listing the origins served
    /// and `mirrors` (kept from the last call when nil).
    @discardableResult
    public func publish(
        key: Ed25519PrivateKey, rootKey: Ed25519PublicKey, mirrors: [String]? = nil, now: Date = Date(), force: Bool = false
    ) throws -> Checkpoint? {
        try requireNotHeld()
        return try connection.transaction {
            let issuer = CheckpointIssuer(connection: connection, origin: node.id)
            if let mirrors {
                try connection.run(
                    "INSERT OR REPLACE INTO node (key, value) VALUES ('mirrors', ?)", [.text(mirrors.joined(separator: " "))])
            }
            let checkpoint = try issuer.issueIfDue(key: key, now: now, force: force)
            let manifest = try connection.prepare("SELECT bytes FROM published WHERE name = 'manifest'").queryFirst { $0.blob(0) } ?? nil
            let served = try LogReader(connection: connection).origins()
            // A stored manifest that does not decode is signed again below (nil differs from any
            // list): dropping the error repairs it.
            let listed = manifest.flatMap { try? NodeManifest(bytes: $0) }.map { Set($0.origins) }  // repaired below: see above
            if checkpoint != nil || mirrors != nil || listed != Set(served + [node.id]) {
                let stored = try connection.prepare("SELECT value FROM node WHERE key = 'mirrors'").queryFirst { $0.text(0) } ?? nil
                let list = (stored ?? "").split(separator: " ").map(String.init)
                try issuer.signManifest(node: node, rootKey: rootKey, mirrors: list, key: key, now: now)
            }
            return checkpoint
        }
    }

    /// Appends entries of `origin`'s log, already verified, with their body lines, in one
    /// transaction; full pages are sealed (root, gzip copies) as they fill.
    ///
    /// - Throws: `StoreError.invalidArgument` when the first entry does not follow the stored log.
    public func appendVerified(origin: String, entries: [LogEntry], bodies: [[UInt8]]) throws {
        guard entries.count == bodies.count else { throw StoreError.invalidArgument("\(entries.count) entries but \(bodies.count) bodies") }
        try connection.transaction {
            var log = try LogAppender(connection: connection, origin: origin)
            for (entry, body) in zip(entries, bodies) { try log.append(entry, body: body) }
        }
    }

    /// The number of entries in this node's log.
    public func logSize() throws -> Int { try LogReader(connection: connection).size(origin: node.id) }

    /// The key statements in this node's log.
    public func keyStatements() throws -> [KeyStatement] { try LogReader(connection: connection).keyStatements(origin: node.id) }

    /// Imports a JSON array or CSV file atomically: every record is valid and written, or none is.
    ///
    /// - Parameter republish: accept records that publish again a `contact` or `service_agent`
    ///   a redaction erased; without it each is a problem of the import (`FILE:LINE: contact: …`).
    public func importProjects(from source: ImportSource, now: Date = Date(), republish: Bool = false, progress: ImportProgress? = nil) throws -> ImportReport {
        try requireNotHeld()
        var importer = ProjectImporter(connection: connection, origin: node.id, now: DateText.timestamp(now))
        importer.republish = republish
        importer.progress = progress
        return try importer.run(source)
    }

    private func requireOwn(_ id: RecordID) throws {
        guard id.origin == node.id else { throw StoreError.foreignOrigin(id, node: node.id) }
    }
}
