public import Catalog
import Feed
public import JSON
import Signing
import SQLite

/// `GET /v1/clusters/{id}` and `kechuang show ID --unified`: one cluster of the unified catalog
/// with what a client holding only the origins' root keys needs to check every member
/// (protocols/clusters.md).
///
/// For each member shown: its log entry line and body line exactly as the origin published them,
/// and the inclusion proof of that entry in the origin's tree under the checkpoint given for that
/// origin; for each origin of a member shown: that signed checkpoint and the key statements about
/// its key. The cluster's own fields (`cluster`, `steward`, `record`, `conflicts`) are the unified
/// entry as the merge computed it (protocols/merge.md §5): the proofs cover the members, not the merge.
public struct ClusterRead: Sendable {
    /// At most this many members in one answer.
    public static let maxMembers = 100

    public let json: JSONValue
}

extension CatalogReader {
    /// The cluster that `id` is a member of, with the members after `cursor` (a member id, from
    /// an earlier answer), at most `limit` of them; nil when `id` is in no cluster.
    ///
    /// - Throws: `StoreError.invalidArgument` for a limit outside 1–100 or a malformed cursor.
    public func cluster(of id: RecordID, limit: Int = ClusterRead.maxMembers, cursor: String? = nil) throws -> ClusterRead? {
        guard (1...ClusterRead.maxMembers).contains(limit) else {
            throw StoreError.invalidArgument("limit must be 1–\(ClusterRead.maxMembers)")
        }
        if let cursor, RecordID(cursor) == nil { throw StoreError.invalidArgument("cursor \(cursor) is not a member id") }
        guard let clusterID = try connection.prepare("SELECT cluster_id FROM cluster_members WHERE record_id = ?")
            .queryFirst([.text(id.description)], row: { $0.text(0) }) ?? nil,
            let bytes = try connection.prepare("SELECT entry FROM unified WHERE cluster_id = ?")
                .queryFirst([.text(clusterID)], row: { $0.blob(0) }) ?? nil
        else { return nil }
        let entry: JSONValue
        do {
            entry = try JSONParser.parse(bytes)
        } catch {
            throw StoreError.corrupt("the unified entry of \(clusterID) does not parse: \(error)")
        }
        let all = (entry["members"]?.arrayValue ?? []).sorted { ($0["id"]?.stringValue ?? "") < ($1["id"]?.stringValue ?? "") }
        let after = cursor.map { cursor in all.filter { ($0["id"]?.stringValue ?? "") > cursor } } ?? all
        let page = Array(after.prefix(limit))

        let log = LogReader(connection: connection)
        var checkpoints: [String: Checkpoint] = [:]
        var origins: [String: JSONValue] = [:]
        var members: [JSONValue] = []
        for member in page {
            guard let memberID = member["id"]?.stringValue.flatMap(RecordID.init), let version = member["version"]?.intValue else {
                throw StoreError.corrupt("a member of \(clusterID) has no id or version")
            }
            let origin = memberID.origin
            if checkpoints[origin] == nil {
                guard let checkpoint = try log.checkpoint(origin: origin) else {
                    throw StoreError.corrupt("no checkpoint is held for \(origin), origin of \(memberID)")
                }
                checkpoints[origin] = checkpoint
                let statements = try log.keyStatements(origin: origin).filter { $0.keyID == checkpoint.keyID }
                origins[origin] = [
                    "checkpoint": .object(checkpoint.object),
                    "key_statements": .array(statements.map { .object($0.object) }),
                ]
            }
            let checkpoint = checkpoints[origin]!
            guard let published = try publishedEntry(memberID, version: version, below: checkpoint.size) else {
                throw StoreError.corrupt("\(memberID) version \(version) has no put entry below \(origin)'s checkpoint size \(checkpoint.size)")
            }
            let proof = try Merkle.inclusionProof(
                index: published.seq, size: checkpoint.size,
                hasher: StoreRangeHasher(reader: log, origin: origin, size: checkpoint.size))
            var shown = member.objectValue ?? [:]
            shown["entry"] = [
                "seq": .number(Double(published.seq)),
                "line": .string(String(decoding: published.entry, as: UTF8.self)),
                "body": .string(String(decoding: published.body, as: UTF8.self)),
                "inclusion": .array(proof.map { .string(Hex.encode($0)) }),
            ]
            members.append(.object(shown))
        }
        let next: JSONValue = after.count > page.count ? (page.last?["id"] ?? .null) : .null
        return ClusterRead(json: [
            "cluster": entry["cluster"] ?? .null, "steward": entry["steward"] ?? .null,
            "record": entry["record"] ?? .null, "conflicts": entry["conflicts"] ?? .array([]),
            "members": .array(members), "members_total": .number(Double(all.count)),
            "limit": .number(Double(limit)), "cursor": next, "origins": .object(origins),
        ])
    }

    /// The `put` entry of `id` at `version` among the first `size` entries of its origin's log:
    /// its seq, entry line and body line as published.
    func publishedEntry(_ id: RecordID, version: Int, below size: Int) throws -> (seq: Int, entry: [UInt8], body: [UInt8])? {
        // Entry lines only (a couple of hundred bytes each): the body of the one that matches.
        let rows = try connection.prepare(
            "SELECT seq, entry FROM log_entries INDEXED BY log_entries_record WHERE origin = ? AND record_id = ? AND op = 'put' AND seq < ? ORDER BY seq DESC"
        ).query([.text(id.origin), .text(id.description), .integer(Int64(size))]) { ($0.int(0), $0.blob(1) ?? []) }
        for (seq, line) in rows where try LogEntry(line: line[...]).version == version {
            let body = try connection.prepare("SELECT body FROM log_entries WHERE origin = ? AND seq = ?")
                .queryFirst([.text(id.origin), .integer(Int64(seq))], row: { $0.blob(0) }) ?? nil
            return (seq, line, body ?? [])
        }
        return nil
    }
}
