import Catalog
import Merge
import Signing
import SQLite

/// Keeps the unified catalog (`unified`, `cluster_members`) equal to the merge of the current
/// records, recomputing only the clusters that records changed since the last refresh touch.
///
/// Every write of `records` marks the record in `merge_dirty` (`RecordTable`); `refresh` works
/// through the marks in batches, so that a million changed records never sit in memory at once.
/// A test holds the result equal to a full rebuild.
struct Unifier {
    let connection: Connection
    /// Records already decoded by the caller (those a page just applied), by id.
    var known: [RecordID: Project] = [:]
    /// Changed records handled per batch.
    var batchSize = 2000

    init(connection: Connection, known: [RecordID: Project] = [:]) {
        self.connection = connection
        self.known = known
    }

    /// Recomputes the clusters touched by every marked record, then clears the marks.
    ///
    /// - Returns: the number of clusters written.
    func refresh() throws -> Int {
        var written = 0
        var bumped = false
        while true {
            let dirty = try connection.prepare("SELECT record_id FROM merge_dirty ORDER BY record_id LIMIT ?")
                .query([.integer(Int64(batchSize))]) { $0.text(0) ?? "" }
            guard !dirty.isEmpty else { return written }
            // The stored digest no longer describes the catalog (once per refresh is enough).
            if !bumped {
                try CatalogDigest.bump(connection)
                bumped = true
            }
            let graph = StoreMergeGraph(connection: connection, known: known)
            var changed: Set<RecordID> = []
            for text in dirty {
                guard let id = RecordID(text) else { throw StoreError.corrupt("merge_dirty.record_id \"\(text)\" is not a record id") }
                changed.insert(id)
            }
            var previous: [RecordID: [RecordID]] = [:]
            for id in changed { previous[id] = try members(ofClusterOf: id) }
            let components = try Merge.affectedClusters(changed: changed, previousMembers: previous, graph: graph)

            // The clusters to replace: those of every record involved, before the change.
            var oldClusters: Set<String> = []
            let involved = Set(components.joined()).union(previous.values.joined()).union(changed)
            for id in involved {
                if let cluster = try clusterID(of: id) { oldClusters.insert(cluster) }
            }
            for cluster in oldClusters {
                try connection.run("DELETE FROM unified WHERE cluster_id = ?", [.text(cluster)])
                try connection.run("DELETE FROM cluster_members WHERE cluster_id = ?", [.text(cluster)])
            }
            for component in components {
                let projects = try component.compactMap { id throws(StoreError) in try graph.record(id) }
                guard !projects.isEmpty else { continue }
                let entry = Merge.unify(projects)
                try connection.run(
                    "INSERT OR REPLACE INTO unified (cluster_id, entry, hash) VALUES (?, ?, ?)",
                    [.text(entry.clusterID), .blob(entry.bytes), .blob(SHA256.hash(entry.bytes))])
                for member in entry.members {
                    try connection.run(
                        "INSERT OR REPLACE INTO cluster_members (record_id, cluster_id) VALUES (?, ?)",
                        [.text(member.description), .text(entry.clusterID)])
                }
                written += 1
            }
            for id in dirty { try connection.run("DELETE FROM merge_dirty WHERE record_id = ?", [.text(id)]) }
        }
    }

    private func clusterID(of id: RecordID) throws -> String? {
        try connection.prepare("SELECT cluster_id FROM cluster_members WHERE record_id = ?")
            .queryFirst([.text(id.description)]) { $0.text(0) } ?? nil
    }

    private func members(ofClusterOf id: RecordID) throws -> [RecordID] {
        guard let cluster = try clusterID(of: id) else { return [] }
        return try connection.prepare("SELECT record_id FROM cluster_members WHERE cluster_id = ?")
            .query([.text(cluster)]) { $0.text(0) ?? "" }.map { text in
                guard let id = RecordID(text) else { throw StoreError.corrupt("cluster_members.record_id \"\(text)\" is not a record id") }
                return id
            }
    }
}

/// The merge's view of the current records, answered from SQLite, with the records decoded once.
///
/// A failed query or a row that does not decode throws (the merge fails, and its transaction with
/// the dirty marks is rolled back): an unreadable record is never taken for an absent one.
final class StoreMergeGraph: MergeGraph {
    let connection: Connection
    private var decoded: [RecordID: Project?] = [:]

    init(connection: Connection, known: [RecordID: Project] = [:]) {
        self.connection = connection
        decoded = known.mapValues { Optional($0) }
    }

    func record(_ id: RecordID) throws(StoreError) -> Project? {
        if let cached = decoded[id] { return cached }
        let body: String?
        do {
            body = try connection.prepare("SELECT body FROM records WHERE id = ?").queryFirst([.text(id.description)]) { $0.text(0) } ?? nil
        } catch {
            throw StoreError.database(error)
        }
        var project: Project?
        if let body {
            do {
                project = try RecordRow.project(body: body)
            } catch {
                throw StoreError.corrupt("records row \(id): the stored body does not decode: \(error)")
            }
        }
        decoded[id] = project
        return project
    }

    func records(withDuplicateKey key: String) throws(StoreError) -> [RecordID] {
        try ids("SELECT id FROM records WHERE dup_key = ?", key, column: "records.id")
    }

    func linksFrom(_ id: RecordID) throws(StoreError) -> [RecordID] {
        try ids("SELECT to_id FROM record_links WHERE from_id = ?", id.description, column: "record_links.to_id")
    }

    func linksTo(_ id: RecordID) throws(StoreError) -> [RecordID] {
        try ids("SELECT from_id FROM record_links WHERE to_id = ?", id.description, column: "record_links.from_id")
    }

    /// The record ids `sql` selects for `value`; one that does not parse is a corrupt row.
    private func ids(_ sql: String, _ value: String, column: String) throws(StoreError) -> [RecordID] {
        let texts: [String?]
        do {
            texts = try connection.prepare(sql).query([.text(value)]) { $0.text(0) }
        } catch {
            throw StoreError.database(error)
        }
        var result: [RecordID] = []
        for text in texts {
            guard let text, let id = RecordID(text) else {
                throw StoreError.corrupt("\(column) \"\(text ?? "NULL")\" (for \(value)) is not a record id")
            }
            result.append(id)
        }
        return result
    }
}
