import JSON
import Signing
import SQLite

/// The digest of the unified catalog (protocols/merge.md), computed once per merge run and kept
/// in `catalog_state` with the catalog generation it describes.
///
/// Hashing the whole unified catalog takes seconds on a million records; `stats`, `/v1/stats`
/// and `/metrics` used to do it on every call. Now every merge that changes the unified catalog
/// raises `generation` (`Unifier`), a merge run's end (`CatalogStore.refreshUnified`: after a
/// sync run, a serve tick, `kechuang stats`) stores the digest of that generation, and readers
/// serve the stored value; while it is behind, `pending_merge` says so.
enum CatalogDigest {
    /// SHA-256 over the hash of every unified entry, in cluster-id order, read from the
    /// covering index alone.
    static func compute(_ connection: Connection) throws -> (digest: String, clusters: Int) {
        var hasher = SHA256Hasher()
        var clusters = 0
        try connection.prepare("SELECT hash FROM unified ORDER BY cluster_id").forEach { row in
            hasher.update(row.blob(0) ?? [])
            clusters += 1
        }
        return (Hex.encode(hasher.finalize()), clusters)
    }

    /// Marks the unified catalog as changed: the stored digest is behind until the next `store`.
    static func bump(_ connection: Connection) throws {
        try connection.run("UPDATE catalog_state SET generation = generation + 1")
    }

    /// Computes and stores the digest, and the clusters by region, when the stored ones are behind
    /// the catalog.
    static func storeIfBehind(_ connection: Connection) throws {
        guard try isBehind(connection) else { return }
        let (digest, clusters) = try compute(connection)
        let regions = JSONWriter.write(.object(try clustersByRegion(connection).mapValues { .number(Double($0)) }), pretty: false)
        try connection.run(
            "UPDATE catalog_state SET digest = ?, clusters = ?, clusters_by_region = ?, digest_generation = generation",
            [.text(digest), .integer(Int64(clusters)), .text(String(decoding: regions, as: UTF8.self))])
    }

    /// Migration 7's backfill: the digest alone (the column of the regions comes with migration 8,
    /// whose backfill stores everything).
    static func storeDigestIfBehind(_ connection: Connection) throws {
        guard try isBehind(connection) else { return }
        let (digest, clusters) = try compute(connection)
        try connection.run(
            "UPDATE catalog_state SET digest = ?, clusters = ?, digest_generation = generation",
            [.text(digest), .integer(Int64(clusters))])
    }

    private static func isBehind(_ connection: Connection) throws -> Bool {
        try connection.prepare("SELECT generation > digest_generation FROM catalog_state").queryFirst { $0.int(0) } ?? 1 != 0
    }

    /// For each region, the clusters with a current member of that region (a record's region is
    /// its `organization.region`): a cluster with members in two regions counts under both.
    static func clustersByRegion(_ connection: Connection) throws -> [String: Int] {
        let pairs = try connection.prepare("""
            SELECT r.region, count(DISTINCT m.cluster_id) FROM cluster_members m JOIN records r ON r.id = m.record_id
            GROUP BY r.region
            """).query { ($0.text(0) ?? "", $0.int(1)) }
        return Dictionary(pairs, uniquingKeysWith: +)
    }

    /// The stored digest, cluster count and clusters by region, and whether they are behind the
    /// catalog.
    static func stored(_ connection: Connection) throws -> (digest: String, clusters: Int, byRegion: [String: Int], behind: Bool) {
        let row = try connection.prepare(
            "SELECT digest, clusters, generation > digest_generation, clusters_by_region FROM catalog_state"
        ).queryFirst { ($0.text(0) ?? "", $0.int(1), $0.int(2) != 0, $0.text(3) ?? "{}") }
        guard let row else { return ("", 0, [:], true) }
        let value = try JSONParser.parse(Array(row.3.utf8))
        let byRegion = (value.objectValue ?? [:]).compactMapValues { $0.intValue }
        return (row.0, row.1, byRegion, row.2)
    }
}
