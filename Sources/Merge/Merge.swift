public import Catalog

/// The unified regional catalog, as a deterministic function of the current records of every
/// trusted origin (`protocols/merge.md`, the normative text).
///
/// Two nodes that hold the same records compute byte-identical unified entries, whatever the order
/// or the path in which the entries arrived. Everything here is synchronous and pure: the store
/// feeds records in and keeps what comes out.
///
/// 1. **Folding a log** (`fold(_:origin:lastVersion:)`): entries apply in log order; a record's
///    state is the body of its last accepted `put`, and `delete` or `redact` makes it absent. An
///    entry is ignored and reported when its id is not a well-formed record id of the log's
///    origin, when its version is not greater than the id's last accepted version, or when a
///    `put` body is not the canonical JSON of a valid stored record with the entry's id and
///    version. An erased `put` body (redaction marker) removes the record; `key` entries are
///    skipped.
/// 2. **Clusters**: records are the vertices. Edges are `same_as` links to records that exist
///    (either side may declare them) and duplicate-key groups (`duplicateKey(_:)`) that hold
///    records of at least two origins, each group connecting all its records. A cluster is a
///    connected component; its id is its smallest member id (by code points).
/// 3. **Unified entry** (`unify(_:)`): the steward is the member created first (then the smallest
///    id). The record is the steward's stored JSON, contact masked, with the highest `stage`, the
///    union of `keywords` (at most 60) and of `sessions` (at most 40), steward first then members
///    by id, compared by `TextNormalizer.fold`, and the latest `valid_through`. Every other
///    top-level field (all but `id`, `origin`, `version`, `created_at`, `updated_at`, `same_as`,
///    `keywords`, `sessions`) on which the members disagree, absent counting as `null`, is listed
///    in `conflicts` with every member's value. The entry's bytes are its RFC 8785 (JCS) form.
/// 4. **Digest input** (`canonicalLines(_:)`): the entries sorted by cluster id, each as its JCS
///    bytes and a line feed. Nothing local (arrival time, relay path) is in an entry.
/// 5. **Incremental recompute** (`affectedClusters(changed:previousMembers:graph:)`): after a batch
///    of changes only the clusters touched are recomputed, and they equal a full `rebuild(_:)`.
public enum Merge {
    /// Separates the title's and the organisation's part of a duplicate key (U+001F, unit separator),
    /// which no folded text contains.
    static let keySeparator = "\u{1F}"

    /// The most keywords a unified record carries.
    public static let maxKeywords = 60
    /// The most session tags a unified record carries.
    public static let maxSessions = 40

    /// The duplicate key of a record: records of different origins with equal keys are taken for
    /// one project.
    ///
    /// The key is `TextNormalizer.duplicateKey(title)`, U+001F, then
    /// `TextNormalizer.duplicateKey(organization.name)`: NFKC, Traditional folded to Simplified,
    /// lowercase, and everything but letters and digits removed. So 先進毫米波感知技術 of 電子科技大學
    /// and 先进毫米波感知技术 of 电子科技大学 have one key.
    public static func duplicateKey(_ project: Project) -> String {
        TextNormalizer.duplicateKey(project.title) + keySeparator
            + TextNormalizer.duplicateKey(project.organization.name)
    }

    /// The unified catalog of a set of current records, computed from scratch.
    ///
    /// Used for first builds and as the reference the incremental path is tested against.
    ///
    /// - Parameter records: The current records of every origin, in any order. Ids must be
    ///   distinct; of two records with one id, the later wins.
    /// - Returns: One entry per cluster, sorted by cluster id.
    public static func rebuild(_ records: [Project]) -> [UnifiedEntry] {
        let graph = InMemoryGraph(records)
        return components(from: graph.ids, graph: graph)
            .map { members in unify(members.compactMap(graph.record)) }
            .sorted { precedesByCodePoints($0.clusterID, $1.clusterID) }
    }

    /// The catalog's canonical form, the input of its digest: one line per unified entry, sorted by
    /// cluster id, each the entry's JCS bytes followed by a line feed (0x0A).
    ///
    /// The store hashes the concatenated lines with SHA-256; Merge itself does not hash.
    public static func canonicalLines(_ entries: [UnifiedEntry]) -> [[UInt8]] {
        entries
            .sorted { precedesByCodePoints($0.clusterID, $1.clusterID) }
            .map { $0.bytes + [0x0A] }
    }

    /// Orders text by its Unicode code points, as `merge.md` specifies for every sort of text.
    static func precedesByCodePoints(_ lhs: String, _ rhs: String) -> Bool {
        lhs.unicodeScalars.lexicographicallyPrecedes(rhs.unicodeScalars)
    }
}
