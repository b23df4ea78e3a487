import Feed
import Signing
import SQLite

/// Reads an origin's log as the feed serves it: sizes, page files, page roots, tree hashes,
/// checkpoints and key statements.
struct LogReader {
    let connection: Connection

    /// The number of entries of `origin`'s log this node holds.
    func size(origin: String) throws -> Int {
        try connection.prepare("SELECT max(seq) + 1 FROM log_entries WHERE origin = ?").queryFirst([.text(origin)]) { $0.int(0) } ?? 0
    }

    /// The files of page `page` holding its first `width` entries, with their Merkle root.
    func pageFiles(origin: String, page: Int, width: Int) throws -> (entries: [UInt8], bodies: [UInt8], root: [UInt8]) {
        let start = page * Feed.pageSize
        var entries: [UInt8] = []
        var bodies: [UInt8] = []
        var leaves: [[UInt8]] = []
        entries.reserveCapacity(width * 200)
        try connection.prepare(
            "SELECT entry, body FROM log_entries WHERE origin = ? AND seq >= ? AND seq < ? ORDER BY seq"
        ).forEach([.text(origin), .integer(Int64(start)), .integer(Int64(start + width))]) { row in
            let entry = row.blob(0) ?? []
            leaves.append(Merkle.leafHash(entry))
            entries += entry
            entries.append(0x0A)
            bodies += row.blob(1) ?? []
            bodies.append(0x0A)
        }
        guard leaves.count == width else {
            throw StoreError.invalidArgument("\(origin) page \(page): \(leaves.count) entries stored, \(width) expected")
        }
        return (entries, bodies, Merkle.root(leafHashes: leaves[...]))
    }

    /// The gzip copies of a sealed page, or nil when the page is not full.
    func sealedPage(origin: String, page: Int) throws -> (entriesGzip: [UInt8], bodiesGzip: [UInt8])? {
        try connection.prepare("SELECT entries_gz, bodies_gz FROM log_pages WHERE origin = ? AND page = ?")
            .queryFirst([.text(origin), .integer(Int64(page))]) { ($0.blob(0) ?? [], $0.blob(1) ?? []) }
    }

    /// The roots of the full pages of a tree of `size` and the root of its partial page.
    func pageRoots(origin: String, size: Int) throws -> PageRoots {
        let full = size / Feed.pageSize
        let roots = try connection.prepare("SELECT root FROM log_pages WHERE origin = ? AND page < ? ORDER BY page")
            .query([.text(origin), .integer(Int64(full))]) { $0.blob(0) ?? [] }
        guard roots.count == full else {
            throw StoreError.invalidArgument("\(origin): \(roots.count) sealed pages, \(full) needed for size \(size)")
        }
        var tail: [UInt8]?
        if size % Feed.pageSize != 0 {
            tail = try pageFiles(origin: origin, page: full, width: size % Feed.pageSize).root
        }
        return PageRoots(origin: origin, size: size, pageRoots: roots, tailRoot: tail)
    }

    /// The latest checkpoint held for `origin`.
    func checkpoint(origin: String) throws -> Checkpoint? {
        guard let bytes = try connection.prepare("SELECT checkpoint FROM checkpoints WHERE origin = ?")
            .queryFirst([.text(origin)], row: { $0.blob(0) }) ?? nil
        else { return nil }
        do {
            return try Checkpoint(bytes: bytes)
        } catch {
            throw StoreError.corrupt("the checkpoint stored for \(origin) does not decode: \(error)")
        }
    }

    /// Every origin with a checkpoint, sorted.
    func origins() throws -> [String] {
        try connection.prepare("SELECT origin FROM checkpoints ORDER BY origin").query { $0.text(0) ?? "" }
    }

    /// The key statements in `origin`'s log, in log order.
    func keyStatements(origin: String) throws -> [KeyStatement] {
        // By the record-id index: key entries all carry the id `origin:~keys`, and a scan of the
        // whole log would read every body.
        try connection.prepare(
            "SELECT body FROM log_entries INDEXED BY log_entries_record WHERE origin = ? AND record_id = ? AND op = 'key' ORDER BY seq"
        )
        .query([.text(origin), .text(LogEntry.keysID(origin: origin))]) { $0.blob(0) ?? [] }
            .map { try KeyStatement(bytes: $0) }
    }

    /// The leaf hashes of entries `range` (used by proofs inside one page).
    func leafHashes(origin: String, range: Range<Int>) throws -> [[UInt8]] {
        try connection.prepare("SELECT entry FROM log_entries WHERE origin = ? AND seq >= ? AND seq < ? ORDER BY seq")
            .query([.text(origin), .integer(Int64(range.lowerBound)), .integer(Int64(range.upperBound))]) {
                Merkle.leafHash($0.blob(0) ?? [])
            }
    }
}
