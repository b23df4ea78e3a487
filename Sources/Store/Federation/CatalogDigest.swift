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

    /// Computes and stores the digest when the stored one is behind the catalog.
    static func storeIfBehind(_ connection: Connection) throws {
        let behind = try connection.prepare("SELECT generation > digest_generation FROM catalog_state")
            .queryFirst { $0.int(0) } ?? 1
        guard behind != 0 else { return }
        let (digest, clusters) = try compute(connection)
        try connection.run(
            "UPDATE catalog_state SET digest = ?, clusters = ?, digest_generation = generation",
            [.text(digest), .integer(Int64(clusters))])
    }

    /// The stored digest and cluster count, and whether they are behind the catalog.
    static func stored(_ connection: Connection) throws -> (digest: String, clusters: Int, behind: Bool) {
        try connection.prepare("SELECT digest, clusters, generation > digest_generation FROM catalog_state")
            .queryFirst { ($0.text(0) ?? "", $0.int(1), $0.int(2) != 0) } ?? ("", 0, true)
    }
}
