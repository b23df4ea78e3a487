public import Feed
import Foundation
import JSON
import Signing
import SQLite

/// One file of a feed as the node serves it and `kechuang export` writes it.
public struct FeedFile: Sendable {
    /// How long caches may keep a file (feed.md §9).
    public enum Caching: String, Sendable {
        /// Full pages and page-roots documents: never change.
        case immutable = "public, max-age=31536000, immutable"
        /// Partial pages and body files: superseded or redacted.
        case short = "public, max-age=60"
        /// Checkpoints, key lists, the manifest: always revalidate.
        case revalidate = "no-cache"
    }

    public let bytes: [UInt8]
    /// The gzip copy made when the file was published, if any.
    public let gzip: [UInt8]?
    public let contentType: String
    public let caching: Caching
    /// Strong entity tag of the identity bytes (computed once: files are cached and served often).
    public let etag: String
    /// Strong entity tag of the gzip copy.
    public let gzipETag: String?

    init(bytes: [UInt8], gzip: [UInt8]?, contentType: String, caching: Caching) {
        self.bytes = bytes
        self.gzip = gzip
        self.contentType = contentType
        self.caching = caching
        etag = Self.etag(bytes)
        gzipETag = gzip.map { Self.etag($0) }
    }

    static func etag(_ bytes: [UInt8]) -> String { "\"" + Hex.encode(SHA256.hash(bytes).prefix(16)) + "\"" }

    static let json = "application/json; charset=utf-8"
    static let jsonLines = "application/jsonl; charset=utf-8"
}

/// Reads the feed files of every origin the node holds, through its own read-only connection.
///
/// Not `Sendable`: open one per serving thread, like `CatalogReader`.
public final class FeedReader {
    let connection: Connection
    private var log: LogReader { LogReader(connection: connection) }

    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.noNode(path) }
        connection = try Schema.open(path: path, readOnly: true)
    }

    /// A reader on an open connection (`RestoredLogs` reads the file it is restoring).
    init(connection: Connection) {
        self.connection = connection
    }

    /// SQLite's data version: it changes when another connection commits, so cached files can
    /// be checked for freshness with one cheap call.
    public func dataVersion() throws -> Int {
        try connection.prepare("PRAGMA data_version").queryFirst { $0.int(0) } ?? 0
    }

    /// Every origin with a checkpoint.
    public func origins() throws -> [String] { try log.origins() }

    /// The generation of `origin`'s data (0 until its trust is first pinned or removed): files
    /// cached for one generation are never served for another (`Schema`, migration 5).
    public func originGeneration(_ origin: String) throws -> Int {
        try connection.prepare("SELECT generation FROM origin_generations WHERE origin = ?").queryFirst([.text(origin)]) { $0.int(0) } ?? 0
    }

    /// The latest checkpoint of `origin`.
    public func checkpoint(origin: String) throws -> Checkpoint? { try log.checkpoint(origin: origin) }

    /// The file at `resource`, or nil when it does not exist. `query` carries proof parameters.
    ///
    /// - Throws: `StoreError.invalidArgument` for malformed proof parameters.
    public func file(_ resource: FeedPath.Resource, query: [String: String] = [:]) throws -> FeedFile? {
        switch resource {
        case .manifest:
            guard let bytes = try connection.prepare("SELECT bytes FROM published WHERE name = 'manifest'")
                .queryFirst(row: { $0.blob(0) }) ?? nil
            else { return nil }
            return FeedFile(bytes: bytes, gzip: nil, contentType: FeedFile.json, caching: .revalidate)
        case .checkpoints:
            return FeedFile(bytes: try checkpointBundle().bytes, gzip: nil, contentType: FeedFile.json, caching: .revalidate)
        case .checkpoint(let origin):
            guard let checkpoint = try log.checkpoint(origin: origin) else { return nil }
            return FeedFile(bytes: checkpoint.bytes, gzip: nil, contentType: FeedFile.json, caching: .revalidate)
        case .keys(let origin):
            guard try log.checkpoint(origin: origin) != nil else { return nil }
            let bytes = try KeyStatementList.bytes(origin: origin, statements: try log.keyStatements(origin: origin))
            return FeedFile(bytes: bytes, gzip: nil, contentType: FeedFile.json, caching: .revalidate)
        case .page(let origin, let page, let width), .bodies(let origin, let page, let width):
            let start = page * Feed.pageSize
            guard start + width <= (try log.size(origin: origin)) else { return nil }
            let files = try log.pageFiles(origin: origin, page: page, width: width)
            let isPage = if case .page = resource { true } else { false }
            if width == Feed.pageSize {
                let sealed = try log.sealedPage(origin: origin, page: page)
                return FeedFile(
                    bytes: isPage ? files.entries : files.bodies, gzip: isPage ? sealed?.entriesGzip : sealed?.bodiesGzip,
                    contentType: FeedFile.jsonLines, caching: isPage ? .immutable : .short)
            }
            return FeedFile(bytes: isPage ? files.entries : files.bodies, gzip: nil, contentType: FeedFile.jsonLines, caching: .short)
        case .pageRoots(let origin, let size):
            guard size > 0, size <= (try log.size(origin: origin)) else { return nil }
            return FeedFile(bytes: try log.pageRoots(origin: origin, size: size).bytes, gzip: nil, contentType: FeedFile.json, caching: .immutable)
        case .inclusionProof(let origin):
            let size = try parameter(query, "size"), seq = try parameter(query, "seq")
            try requireTree(origin, size: size, contains: seq + 1)
            let leaf = try log.leafHashes(origin: origin, range: seq..<seq + 1)[0]
            let proof = try Merkle.inclusionProof(index: seq, size: size, hasher: hasher(origin, size))
            return try proofFile(["origin": .string(origin), "seq": .number(Double(seq)), "size": .number(Double(size)),
                              "leaf_hash": .string(Hex.encode(leaf)), "proof": hashes(proof)])
        case .consistencyProof(let origin):
            let from = try parameter(query, "from"), to = try parameter(query, "to")
            guard from <= to else { throw StoreError.invalidArgument("from must not exceed to") }
            try requireTree(origin, size: to, contains: 0)
            let proof = try Merkle.consistencyProof(from: from, to: to, hasher: hasher(origin, to))
            return try proofFile(["origin": .string(origin), "from": .number(Double(from)), "to": .number(Double(to)), "proof": hashes(proof)])
        case .pageProof(let origin):
            let page = try parameter(query, "page"), size = try parameter(query, "size")
            try requireTree(origin, size: size, contains: (page + 1) * Feed.pageSize)
            let root = try log.pageRoots(origin: origin, size: (page + 1) * Feed.pageSize).pageRoots[page]
            let proof = try Merkle.pageProof(page: page, size: size, hasher: hasher(origin, size))
            return try proofFile(["origin": .string(origin), "page": .number(Double(page)), "size": .number(Double(size)),
                              "page_root": .string(Hex.encode(root)), "proof": hashes(proof)])
        }
    }

    /// `/feeds/checkpoints.json`: every origin's latest checkpoint with its key statements.
    public func checkpointBundle() throws -> CheckpointBundle {
        let node = try connection.prepare("SELECT value FROM node WHERE key = 'node_id'").queryFirst { $0.text(0) } ?? nil
        var origins: [CheckpointBundle.Origin] = []
        for origin in try log.origins() {
            guard let checkpoint = try log.checkpoint(origin: origin) else { continue }
            origins.append(.init(origin: origin, checkpoint: checkpoint, keyStatements: try log.keyStatements(origin: origin)))
        }
        return CheckpointBundle(node: node ?? "", origins: origins)
    }

    private func hasher(_ origin: String, _ size: Int) -> StoreRangeHasher {
        StoreRangeHasher(reader: log, origin: origin, size: size)
    }

    private func requireTree(_ origin: String, size: Int, contains count: Int) throws {
        let held = try log.size(origin: origin)
        guard size >= 1, size <= held, count <= size else {
            throw StoreError.invalidArgument("no tree of size \(size) containing \(count) entries (\(origin) holds \(held))")
        }
    }

    private func parameter(_ query: [String: String], _ name: String) throws -> Int {
        guard let text = query[name], let value = Int(text), value >= 0, value < 1 << 40 else {
            throw StoreError.invalidArgument("query parameter \(name) must be a non-negative integer")
        }
        return value
    }

    private func hashes(_ list: [[UInt8]]) -> JSONValue { .array(list.map { .string(Hex.encode($0)) }) }

    private func proofFile(_ object: [String: JSONValue]) throws -> FeedFile {
        FeedFile(bytes: try JCS.canonicalize(.object(object)), gzip: nil, contentType: FeedFile.json, caching: .immutable)
    }
}

@available(*, unavailable)
extension FeedReader: Sendable {}

extension FeedReader {
    /// A value that changes whenever anything but an immutable file may have changed.
    ///
    /// A new checkpoint follows every write, but in a transaction of its own: a redaction's
    /// markers (and, on a relay, the applied pages of a sync that failed before its checkpoint)
    /// are committed first. So the stamp also holds the log's last rowid, which every append
    /// raises (a redaction always appends its `redact` entry with the markers): a body file
    /// cached before an erasure is never served after it. An origin removed or pinned anew gets a
    /// new generation (its new checkpoint could otherwise carry the old one's size and time).
    public func publicationStamp() throws -> String {
        try connection.prepare(
            "SELECT (SELECT group_concat(origin || ':' || size || ':' || issued_at, ',') FROM checkpoints) || '|' || "
                + "(SELECT hex(substr(bytes, -24)) FROM published WHERE name = 'manifest') || '|' || "
                + "ifnull((SELECT max(rowid) FROM log_entries), 0) || '|' || "
                + "coalesce((SELECT group_concat(origin || ':' || generation, ',') FROM origin_generations), '')"
        ).queryFirst { $0.text(0) ?? "" } ?? ""
    }
}
