public import Catalog
public import Feed
public import JSON
import Signing
import SQLite

/// What `GET /v1/search?proofs=true` adds to a search page so that the node that asked can check
/// each result against the result's origin with that origin's pinned root key alone
/// (protocols/federation.md §3): the shape of a member of `GET /v1/clusters/{id}`
/// (protocols/clusters.md), for search results.
public struct RecordProofs: Sendable {
    /// For each hit, in order: `{"seq", "line", "body", "inclusion"}` of the `put` entry of the
    /// record's version below its origin's checkpoint, or nil when the checkpoint held does not
    /// cover it yet (a write not signed yet).
    public let entries: [JSONValue?]
    /// For each origin of a hit with an entry: `{"checkpoint", "key_statements"}`, and
    /// `"consistency": {"from", "proof"}` when the asker said it holds a smaller tree of it.
    public let origins: JSONValue
}

extension CatalogReader {
    /// The proofs of `hits` (protocols/federation.md §3).
    ///
    /// - Parameter heldSizes: The size of each origin's tree that the asking node holds; for an
    ///   origin whose checkpoint here is larger, a consistency proof from that size is included.
    public func recordProofs(_ hits: [SearchHit], heldSizes: [String: Int]) throws -> RecordProofs {
        let log = LogReader(connection: connection)
        var checkpoints: [String: Checkpoint?] = [:]
        var origins: [String: JSONValue] = [:]
        var entries: [JSONValue?] = []
        for hit in hits {
            let id = hit.project.id
            let origin = id.origin
            if checkpoints[origin] == nil {
                let checkpoint = try log.checkpoint(origin: origin)
                checkpoints[origin] = .some(checkpoint)
                if let checkpoint {
                    let statements = try log.keyStatements(origin: origin).filter { $0.keyID == checkpoint.keyID }
                    var shown: [String: JSONValue] = [
                        "checkpoint": .object(checkpoint.object),
                        "key_statements": .array(statements.map { .object($0.object) }),
                    ]
                    if let held = heldSizes[origin], held > 0, held < checkpoint.size {
                        let proof = try Merkle.consistencyProof(
                            from: held, to: checkpoint.size,
                            hasher: StoreRangeHasher(reader: log, origin: origin, size: checkpoint.size))
                        shown["consistency"] = [
                            "from": .number(Double(held)), "proof": .array(proof.map { .string(Hex.encode($0)) }),
                        ]
                    }
                    origins[origin] = .object(shown)
                }
            }
            guard let checkpoint = checkpoints[origin] ?? nil,
                let published = try publishedEntry(id, version: hit.project.version, below: checkpoint.size)
            else {
                entries.append(nil)
                continue
            }
            let proof = try Merkle.inclusionProof(
                index: published.seq, size: checkpoint.size,
                hasher: StoreRangeHasher(reader: log, origin: origin, size: checkpoint.size))
            entries.append([
                "seq": .number(Double(published.seq)),
                "line": .string(String(decoding: published.entry, as: UTF8.self)),
                "body": .string(String(decoding: published.body, as: UTF8.self)),
                "inclusion": .array(proof.map { .string(Hex.encode($0)) }),
            ])
        }
        return RecordProofs(entries: entries, origins: .object(origins))
    }

    /// The entry line at `seq` of `origin`'s log as this node holds it, or nil when it holds
    /// fewer entries: what a lagging peer's proof is compared with (protocols/federation.md §4).
    public func entryLine(origin: String, seq: Int) throws -> [UInt8]? {
        try connection.prepare("SELECT entry FROM log_entries WHERE origin = ? AND seq = ?")
            .queryFirst([.text(origin), .integer(Int64(seq))], row: { $0.blob(0) }) ?? nil
    }

    /// The checkpoint this node holds for `origin` (the last one it verified and applied).
    public func heldCheckpoint(origin: String) throws -> Checkpoint? {
        try LogReader(connection: connection).checkpoint(origin: origin)
    }

    /// The key statements this node holds about `origin`'s keys.
    public func heldKeyStatements(origin: String) throws -> [KeyStatement] {
        try LogReader(connection: connection).keyStatements(origin: origin)
    }

    /// Every pinned origin with its root key, sorted (the writer's `trustedOrigins()`, read-only).
    public func pinnedOrigins() throws -> [TrustedOrigin] {
        try connection.prepare("SELECT origin, root_key, added_at FROM trusted_origins ORDER BY origin").query { row in
            (row.text(0) ?? "", row.text(1) ?? "", row.text(2) ?? "")
        }.map { origin, key, added in TrustedOrigin(origin: origin, rootKey: try Ed25519PublicKey(text: key), addedAt: added) }
    }

    /// Every peer, sorted (the writer's `peers()`, read-only).
    public func peerList() throws -> [Peer] {
        try connection.prepare("SELECT id, url, mirrors, added_at FROM peers ORDER BY id").query { row in
            Peer(id: row.text(0) ?? "", url: row.text(1) ?? "",
                 mirrors: (row.text(2) ?? "").split(separator: " ").map(String.init), addedAt: row.text(3) ?? "")
        }
    }
}
