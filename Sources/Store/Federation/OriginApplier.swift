import Catalog
public import Feed
import Merge
import Signing
import SQLite

/// Applies verified pages of another origin's log: appends the entries and body lines as they
/// are, then folds each entry into that origin's records by the merge rules (protocols/merge.md:
/// log order decides; a foreign id or a version that does not move forward is ignored and
/// reported).
///
/// A `redact` entry also erases this node's copies of the record's earlier bodies, so that a
/// node that synced before the erasure relays the markers, never the old bodies.
struct OriginApplier {
    let connection: Connection
    let origin: String
    private var log: LogAppender
    /// The records this applier's `apply` calls stored, as decoded, for the merge to reuse.
    private(set) var decoded: [RecordID: Project] = [:]
    /// The search-index writes of every page applied, written by `writeSearchIndex` once the
    /// pages' other writes are done (`RecordTable.SearchIndexWrites` says why).
    private let searchWrites = RecordTable.SearchIndexWrites()
    private var table: RecordTable { RecordTable(connection: connection, deferred: searchWrites) }

    /// Writes the search-index changes of the pages applied so far; done before the transaction
    /// ends (and before anything reads the index).
    func writeSearchIndex() throws {
        try searchWrites.write(connection)
    }

    init(connection: Connection, origin: String) throws {
        self.connection = connection
        self.origin = origin
        log = try LogAppender(connection: connection, origin: origin)
    }

    /// Appends and folds one verified page (or the verified part of one).
    ///
    /// - Parameters:
    ///   - lines: each entry's body line as served (record, key statement, `null` or a marker).
    ///   - bodies: the verifier's reading of those lines.
    ///   - prepared: the bodies decoded ahead of time (`PreparedPage`), or nil to decode here.
    mutating func apply(
        entries: [LogEntry], lines: [[UInt8]], bodies: [FeedVerifier.Body], prepared: PreparedPage? = nil, now: String
    ) throws -> ApplyCounts {
        var counts = ApplyCounts()
        log.sealedAhead = prepared?.sealed
        for (index, ((entry, line), body)) in zip(zip(entries, lines), bodies).enumerated() {
            try log.append(entry, body: line)
            if entry.op == .redact { try log.erase(id: entry.id, redactSeq: entry.seq) }
            let content = body.content
            let id = RecordID(entry.id)
            let typed = id == nil ? TypedObjectID(entry.id) : nil
            let row = try id.flatMap { try table.row($0) }
            let last = try typed.map { try TypedObjects.version($0, connection: connection) }
                ?? id.flatMap { id in try row?.version ?? table.tombstoneVersion(id) }
            let input = Self.input(entry, body: body)
            let early = prepared.flatMap { index < $0.decisions.count ? $0.decisions[index] : nil }
            switch Merge.fold(input, origin: origin, lastVersion: last, decodedPut: early) {
            case .put(let project):
                decoded[project.id] = project
                // The row computed ahead is that of the same body, hence of this project.
                let values = early == nil ? nil : prepared?.rows[index]
                if let row {
                    try table.replace(project, rowid: row.rowid, body: content, prepared: values)
                } else {
                    try table.insert(project, body: content, prepared: values)
                    try connection.run("DELETE FROM tombstones WHERE id = ?", [.text(project.id.description)])
                }
                counts.puts += 1
            case .object(let object, let body):
                try TypedObjects.put(object, version: entry.version, body: body, connection: connection)
                counts.puts += 1
            case .remove:
                if let typed { try TypedObjects.remove(typed, version: entry.version, connection: connection) }
                if let id {
                    decoded.removeValue(forKey: id)
                    try table.remove(id, rowid: try table.row(id)?.rowid, version: entry.version, now: now)
                }
                counts.removals += 1
            case .skip:
                break
            case .ignore(let reason):
                try Self.report(entry, origin: origin, reason: reason, connection: connection)
                counts.ignored += 1
            }
        }
        return counts
    }

    /// Records an ignored entry with its reason (merge.md §2: reported, the same way on every node).
    static func report(_ entry: LogEntry, origin: String, reason: String, connection: Connection) throws {
        try connection.run(
            "INSERT OR REPLACE INTO ignored_entries (origin, seq, id, reason) VALUES (?, ?, ?, ?)",
            [.text(origin), .integer(Int64(entry.seq)), .text(entry.id), .text(reason)])
    }

    static func input(_ entry: LogEntry, body: FeedVerifier.Body) -> FoldInput {
        FoldInput(entry, body: body.content)
    }

    /// The fold's input for an entry as `log_entries` holds it, with its stored body line: a body
    /// erased since (a redaction marker) does not hash to the entry's `body_hash`, and is none.
    static func input(_ entry: LogEntry, storedBody body: [UInt8]) -> FoldInput {
        FoldInput(entry, body: entry.op == .put && entry.bodyHash == SHA256.hash(body) ? body : nil)
    }
}

/// What applying entries did.
public struct ApplyCounts: Sendable, Hashable {
    public var puts = 0
    public var removals = 0
    public var ignored = 0

    public init() {}

    public static func += (lhs: inout ApplyCounts, rhs: ApplyCounts) {
        lhs.puts += rhs.puts
        lhs.removals += rhs.removals
        lhs.ignored += rhs.ignored
    }
}

/// A verified page (or its verified new part) as `applyVerified` takes it.
public struct VerifiedPage: Sendable {
    public let entries: [LogEntry]
    /// Each entry's body line as served.
    public let lines: [[UInt8]]
    /// The verifier's reading of those lines.
    public let bodies: [FeedVerifier.Body]
    /// The page prepared ahead (`PreparedPage`), or nil to decode while applying.
    public let decoded: PreparedPage?

    public init(entries: [LogEntry], lines: [[UInt8]], bodies: [FeedVerifier.Body], decoded: PreparedPage? = nil) {
        self.entries = entries
        self.lines = lines
        self.bodies = bodies
        self.decoded = decoded
    }
}

/// What `applyVerified` needs of a verified page that does not read the database, computed
/// ahead so that a sync prepares the next page while the store writes the current one: the `put`
/// bodies decoded into records, their rows and search grams, and the gzip copies of a full page.
/// The fold uses each decision after its own checks, and the seal uses the copies only when the
/// page it seals is byte for byte the one they were made of, so applying with or without this
/// gives the same result.
public struct PreparedPage: Sendable {
    let decisions: [FoldDecision?]
    /// The row of each decoded record (nil where the body does not decode into one).
    let rows: [RecordTable.PreparedRow?]
    let sealed: LogAppender.SealedFiles?

    /// Prepares `entries` (a whole page as served, or its tail) with their bodies as the verifier
    /// read them, and the page and body files as fetched.
    public init(origin: String, entries: [LogEntry], bodies: [FeedVerifier.Body], pageFile: [UInt8], bodyFile: [UInt8]) {
        let decisions = zip(entries, bodies).map { entry, body in
            Merge.decodePut(OriginApplier.input(entry, body: body), origin: origin)
        }
        self.decisions = decisions
        rows = zip(decisions, bodies).map { decision, body in
            guard case .put(let project) = decision else { return nil }
            // Work done ahead, and optional: nil makes `apply` prepare the row itself, where a
            // failure is thrown (and fails the transaction).
            return try? RecordTable.prepare(project, body: body.content)  // optional: see above
        }
        if entries.count == Feed.pageSize, let first = entries.first, first.seq % Feed.pageSize == 0 {
            // Optional too: without the copies, the seal compresses the page itself (and throws).
            sealed = try? LogAppender.SealedFiles(page: first.seq / Feed.pageSize, entries: pageFile, bodies: bodyFile)  // optional: see above
        } else {
            sealed = nil
        }
    }

    /// The preparation of the entries after the first `count` (those a page applies after the held ones).
    public func dropFirst(_ count: Int) -> PreparedPage {
        PreparedPage(decisions: Array(decisions.dropFirst(count)), rows: Array(rows.dropFirst(count)), sealed: sealed)
    }

    private init(decisions: [FoldDecision?], rows: [RecordTable.PreparedRow?], sealed: LogAppender.SealedFiles?) {
        self.decisions = decisions
        self.rows = rows
        self.sealed = sealed
    }
}
