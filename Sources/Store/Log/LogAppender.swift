import Compression
import Feed
import Signing
import SQLite

/// Appends entries to an origin's log inside the caller's transaction, sealing each page as it
/// fills (its root and gzip copies), and erases bodies on redaction.
///
/// Order of durable writes: an entry, its body and the record change it describes commit in one
/// transaction; a page is sealed in the transaction that writes its last entry. A checkpoint is
/// signed after the commit (`CheckpointIssuer`): a crash in between leaves a log that is longer
/// than its checkpoint, which the next write or the server's timer re-signs.
struct LogAppender {
    let connection: Connection
    let origin: String
    private var size: Int
    /// The gzip copies of the next page to seal, made ahead of the append (a sync compresses
    /// the next page while the current one is written); used only if they match byte for byte.
    var sealedAhead: SealedFiles?

    /// A full page's files and their gzip copies.
    struct SealedFiles: Sendable {
        let page: Int
        let entries: [UInt8]
        let bodies: [UInt8]
        let entriesGzip: [UInt8]
        let bodiesGzip: [UInt8]

        init(page: Int, entries: [UInt8], bodies: [UInt8]) throws {
            self.page = page
            self.entries = entries
            self.bodies = bodies
            entriesGzip = try Gzip.compress(entries)
            bodiesGzip = try Gzip.compress(bodies)
        }
    }

    init(connection: Connection, origin: String) throws {
        self.connection = connection
        self.origin = origin
        size = try LogReader(connection: connection).size(origin: origin)
    }

    /// Appends one entry whose body line is `body` (nil for `delete` and `redact`).
    @discardableResult
    mutating func append(_ op: LogEntry.Operation, id: String, version: Int, time: String, body: [UInt8]?) throws -> LogEntry {
        let entry = try LogEntry(seq: size, op: op, id: id, version: version, time: time, bodyHash: body.map(SHA256.hash))
        try append(entry, body: body ?? Array("null".utf8))
        return entry
    }

    /// Appends an entry made elsewhere (a verified entry of a peer's log) with its body line, as
    /// they are.
    mutating func append(_ entry: LogEntry, body: [UInt8]) throws {
        guard entry.seq == size else {
            throw StoreError.invalidArgument("\(origin): entry \(entry.seq) does not follow the log's \(size) entries")
        }
        try connection.run(
            "INSERT INTO log_entries (origin, seq, op, record_id, entry, body) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(origin), .integer(Int64(size)), .text(entry.op.rawValue), .text(entry.id), .blob(entry.line), .blob(body)])
        size += 1
        if size % Feed.pageSize == 0 { try seal(page: size / Feed.pageSize - 1) }
    }

    /// Computes and stores a full page's root and gzip copies.
    private func seal(page: Int) throws {
        let files = try LogReader(connection: connection).pageFiles(origin: origin, page: page, width: Feed.pageSize)
        let ahead = sealedAhead.flatMap { $0.page == page && $0.entries == files.entries && $0.bodies == files.bodies ? $0 : nil }
        try connection.run(
            "INSERT OR REPLACE INTO log_pages (origin, page, root, entries_gz, bodies_gz) VALUES (?, ?, ?, ?, ?)",
            [.text(origin), .integer(Int64(page)), .blob(files.root), .blob(try ahead?.entriesGzip ?? Gzip.compress(files.entries)),
             .blob(try ahead?.bodiesGzip ?? Gzip.compress(files.bodies))])
    }

    /// Replaces the bodies of `id`'s `put` entries before `redactSeq` with redaction markers
    /// (feed.md §4) and re-compresses the body files of the sealed pages they are on.
    mutating func erase(id: String, redactSeq: Int) throws {
        let seqs = try connection.prepare(
            "SELECT seq FROM log_entries WHERE origin = ? AND record_id = ? AND op = 'put' AND seq < ?"
        ).query([.text(origin), .text(id), .integer(Int64(redactSeq))]) { $0.int(0) }
        let marker = RedactionMarker.bytes(redactedBy: redactSeq)
        for seq in seqs {
            try connection.run(
                "UPDATE log_entries SET body = ? WHERE origin = ? AND seq = ?", [.blob(marker), .text(origin), .integer(Int64(seq))])
        }
        for page in Set(seqs.map { $0 / Feed.pageSize }).sorted() where (page + 1) * Feed.pageSize <= size {
            let files = try LogReader(connection: connection).pageFiles(origin: origin, page: page, width: Feed.pageSize)
            try connection.run(
                "UPDATE log_pages SET bodies_gz = ? WHERE origin = ? AND page = ?",
                [.blob(try Gzip.compress(files.bodies)), .text(origin), .integer(Int64(page))])
        }
    }
}
