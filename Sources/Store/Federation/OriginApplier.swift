import Catalog
import Feed
import Merge
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
    private var table: RecordTable { RecordTable(connection: connection) }

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
    mutating func apply(entries: [LogEntry], lines: [[UInt8]], bodies: [FeedVerifier.Body], now: String) throws -> ApplyCounts {
        var counts = ApplyCounts()
        for ((entry, line), body) in zip(zip(entries, lines), bodies) {
            try log.append(entry, body: line)
            if entry.op == .redact { try log.erase(id: entry.id, redactSeq: entry.seq) }
            var content: [UInt8]?
            if case .body(let bytes) = body { content = bytes }
            let id = RecordID(entry.id)
            let last = try id.flatMap { id in try table.row(id)?.version ?? table.tombstoneVersion(id) }
            let input = FoldInput(seq: entry.seq, op: Self.operation(entry.op), id: entry.id, version: entry.version, body: content)
            switch Merge.fold(input, origin: origin, lastVersion: last) {
            case .put(let project):
                if let row = try table.row(project.id) {
                    try table.replace(project, rowid: row.rowid, body: content)
                } else {
                    try table.insert(project, body: content)
                    try connection.run("DELETE FROM tombstones WHERE id = ?", [.text(project.id.description)])
                }
                counts.puts += 1
            case .remove:
                if let id {
                    try table.remove(id, rowid: try table.row(id)?.rowid, version: entry.version, now: now)
                }
                counts.removals += 1
            case .skip:
                break
            case .ignore(let reason):
                try connection.run(
                    "INSERT OR REPLACE INTO ignored_entries (origin, seq, id, reason) VALUES (?, ?, ?, ?)",
                    [.text(origin), .integer(Int64(entry.seq)), .text(entry.id), .text(reason)])
                counts.ignored += 1
            }
        }
        return counts
    }

    static func operation(_ op: LogEntry.Operation) -> FoldInput.Operation {
        switch op {
        case .put: .put
        case .delete: .delete
        case .redact: .redact
        case .key: .key
        }
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
