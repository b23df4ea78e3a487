public import Catalog
import Foundation
import Signing
import SQLite

/// Read access to the catalog through its own read-only connection.
///
/// Readers never block the writer and are never blocked by it (WAL): open one per task or thread
/// that serves queries. Not `Sendable`: a connection is used from one task at a time.
public final class CatalogReader {
    let connection: Connection
    /// Who this node is.
    public let node: NodeInfo

    /// Opens a read-only connection to the node's database at `path`.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.noNode(path) }
        connection = try Schema.open(path: path, readOnly: true)
        node = try CatalogStore.readNode(connection, path: path)
    }

    /// The record with this id, or nil.
    public func project(_ id: RecordID) throws -> Project? {
        guard let row = try connection.prepare("SELECT body FROM records WHERE id = ?")
            .queryFirst([.text(id.description)], row: { $0.text(0) }), let body = row
        else { return nil }
        return try RecordRow.project(body: body)
    }

    /// The version of a deleted record's tombstone, or nil when the id was never deleted.
    public func tombstoneVersion(_ id: RecordID) throws -> Int? {
        try connection.prepare("SELECT version FROM tombstones WHERE id = ?").queryFirst([.text(id.description)]) { $0.int(0) }
    }

    /// Counts over the whole catalog; `today` (`YYYY-MM-DD`) decides what is expired.
    public func stats(today: String) throws -> CatalogStats {
        // Kept counts (RecordCounts, exact in every committed state) and the values stored with
        // the last merge run (CatalogDigest): nothing here reads a row per record.
        func grouped(_ dimension: String) throws -> [String: Int] { try RecordCounts.grouped(connection, dimension) }
        let byKind = try grouped("kind")
        let total = byKind.values.reduce(0, +)
        let expired = try RecordCounts.expired(connection, today: today)
        let deleted = try connection.prepare("SELECT count(*) FROM tombstones").queryFirst { $0.int(0) } ?? 0
        let stages = Stage.allCases
        let byStage = Dictionary(
            try grouped("stage").map { (Int($0.key).flatMap { stages.indices.contains($0) ? stages[$0].rawValue : nil } ?? $0.key, $0.value) },
            uniquingKeysWith: +)
        var stats = CatalogStats(
            total: total, expired: expired, deleted: deleted, byKind: byKind,
            byIndustry: try grouped("industry"), byOrigin: try grouped("origin"), byStage: byStage,
            byRegion: try grouped("region"), byFinanceType: try grouped("finance_type"))
        // The digest stored by the last merge run (CatalogDigest), not hashed here: pending_merge
        // counts the records waiting to be merged, plus one while the stored digest is behind
        // merges already made (a sync's page batches merge; its run's end stores the digest).
        let digest = try CatalogDigest.stored(connection)
        stats.clusters = digest.clusters
        stats.clustersByRegion = digest.byRegion
        stats.catalogDigest = digest.digest
        let dirty = try connection.prepare("SELECT count(*) FROM merge_dirty").queryFirst { $0.int(0) } ?? 0
        stats.pendingMerge = dirty + (digest.behind && dirty == 0 ? 1 : 0)
        let deals = try unifiedDeals()
        stats.deals = deals.count
        stats.dealsDigest = Self.dealsDigest(deals)
        return stats
    }

    /// Records that are members of a cluster of the unified catalog (every record is in one).
    public func unifiedMemberCount() throws -> Int {
        try connection.prepare("SELECT count(*) FROM cluster_members").queryFirst { $0.int(0) } ?? 0
    }

    /// The digest of the unified catalog (protocols/merge.md): SHA-256 over the SHA-256 of every
    /// unified entry's canonical bytes, in cluster-id order. Nothing local is in it.
    public func catalogDigest() throws -> (digest: String, clusters: Int) {
        try CatalogDigest.compute(connection)
    }

    /// Calls `body` with every record in id order (for `dump`), reading in batches so that a
    /// catalog of millions never sits in memory.
    public func forEachProject(_ visit: (Project) throws -> Void) throws {
        var after = ""
        let statement = try connection.prepare("SELECT id, body FROM records WHERE id > ? ORDER BY id LIMIT 1000")
        while true {
            let rows = try statement.query([.text(after)]) { ($0.text(0) ?? "", $0.text(1) ?? "") }
            for (_, body) in rows { try visit(RecordRow.project(body: body)) }
            guard let last = rows.last else { return }
            after = last.0
        }
    }
}

@available(*, unavailable)
extension CatalogReader: Sendable {}
