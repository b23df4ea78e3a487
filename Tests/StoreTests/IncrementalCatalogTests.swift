import Catalog
import Feed
import Foundation
import Merge
import Signing
import SQLite
import Store
import TestSupport
import Testing

/// The store keeps its unified catalog incrementally: each refresh recomputes only the clusters
/// that changed records touch. After every round of changes (records created, updated, retitled
/// into and out of duplicate groups, linked and unlinked, deleted, redacted and re-created; key
/// statements in the logs; other origins' logs applied directly or through a relay, in pieces;
/// finally an origin forgotten) the store's unified rows, their cluster membership and its
/// digest must equal a full rebuild of the same store's records.
@Suite struct IncrementalCatalogTests {
    @Test(arguments: 0..<8)
    func storeCatalogEqualsAFullRebuildAfterEveryRound(seed: Int) async throws {
        var federation = try await Federation(seed: UInt64(seed) &* 0x9E37_79B9 &+ 7, origins: 4)
        let count = federation.nodes.count
        // Node 0 (sichuan) is the one checked: it writes its own records and applies the others'.
        let store = federation.nodes[0].store
        var roots: [Ed25519PrivateKey] = []
        for _ in 0..<count {
            roots.append(try Ed25519PrivateKey(seed: (0..<4).flatMap { _ in withUnsafeBytes(of: federation.random.next()) { Array($0) } }))
        }
        for index in 1..<count {
            try await store.trust(federation.nodes[index].origin, rootKey: roots[index].publicKey)
        }
        var step = 0
        var largestClusters = 0
        for round in 0..<12 {
            for _ in 0..<(6 + Int(federation.random.next() % 20)) {
                let node = Int(federation.random.next() % UInt64(count))
                if federation.random.next() % 8 == 0 {
                    try await Self.appendKeyStatement(at: node, in: &federation, root: roots[node], step: step)
                } else {
                    try await federation.write(at: node, step: step)
                }
                step += 1
            }
            for origin in (1..<count).shuffled(using: &federation.random) {
                // Sometimes another node relays a longer copy first.
                let relay = 1 + Int(federation.random.next() % UInt64(count - 1))
                if relay != origin, federation.random.next() % 3 == 0 {
                    try await federation.deliver(to: relay, origin: origin)
                }
                try await federation.deliver(to: 0, origin: origin, everything: federation.random.next() % 2 == 0)
            }
            try await store.refreshUnified()
            largestClusters = max(largestClusters, try Self.expectEqualToRebuild(store, "seed \(seed), round \(round)"))
        }
        // Forgetting an origin takes its records out of the clusters they were in.
        let forgotten = federation.nodes[1 + Int(federation.random.next() % UInt64(count - 1))].origin
        try await store.untrust(forgotten)
        _ = try Self.expectEqualToRebuild(store, "seed \(seed), after forgetting \(forgotten)")
        #expect(try CatalogReader(path: store.path).stats(today: "2026-11-26").byOrigin[forgotten] == nil)
        #expect(largestClusters > 0, "seed \(seed): some round had clusters of several records")
    }

    /// Appends a key statement authorising a fresh checkpoint key to `node`'s own log.
    static func appendKeyStatement(at node: Int, in federation: inout Federation, root: Ed25519PrivateKey, step: Int) async throws {
        let (origin, store) = federation.nodes[node]
        let time = Date(timeIntervalSince1970: 1_800_000_000 + Double(step))
        let key = try Ed25519PrivateKey(seed: (0..<4).flatMap { _ in withUnsafeBytes(of: federation.random.next()) { Array($0) } })
        let statement = try KeyStatement.sign(
            origin: origin, action: .authorize, key: key.publicKey, fromSize: try await store.logSize() + 1, issuedAt: time, rootKey: root)
        _ = try await store.appendKeyStatement(statement, now: time)
    }

    /// Compares `store`'s unified catalog, as stored, with `Merge.rebuild` of its current records:
    /// the same clusters with the same entry bytes and hashes, every record a member of the
    /// cluster the rebuild puts it in, the digest merge.md §6 defines, and no record left marked.
    ///
    /// - Returns: the number of clusters with more than one member.
    static func expectEqualToRebuild(_ store: CatalogStore, _ context: String) throws -> Int {
        let reader = try CatalogReader(path: store.path)
        var projects: [Project] = []
        try reader.forEachProject { projects.append($0) }
        let rebuilt = Merge.rebuild(projects)

        let database = try Connection(path: store.path, mode: .readOnly)
        let rows = try database.prepare("SELECT cluster_id, entry, hash FROM unified ORDER BY cluster_id").query { row in
            (cluster: row.text(0) ?? "", entry: row.blob(1) ?? [], hash: row.blob(2) ?? [])
        }
        let members = try database.prepare("SELECT record_id, cluster_id FROM cluster_members").query { row in
            (row.text(0) ?? "", row.text(1) ?? "")
        }
        let dirty = try database.prepare("SELECT count(*) FROM merge_dirty").queryFirst { $0.int(0) } ?? -1

        #expect(dirty == 0, "\(context): \(dirty) records still marked after the refresh")
        #expect(rows.map(\.cluster) == rebuilt.map(\.clusterID), "\(context): the clusters differ from a full rebuild's")
        for (row, entry) in zip(rows, rebuilt) where row.cluster == entry.clusterID && row.entry != entry.bytes {
            Issue.record("""
                \(context): cluster \(row.cluster) differs from a full rebuild's
                  stored:  \(String(decoding: row.entry, as: UTF8.self))
                  rebuilt: \(String(decoding: entry.bytes, as: UTF8.self))
                """)
        }
        #expect(rows.allSatisfy { $0.hash == SHA256.hash($0.entry) }, "\(context): a stored hash is not its entry's")
        let expectedMembers = Dictionary(uniqueKeysWithValues: rebuilt.flatMap { entry in
            entry.members.map { ($0.description, entry.clusterID) }
        })
        #expect(Dictionary(members, uniquingKeysWith: { first, _ in first }) == expectedMembers, "\(context): cluster membership")
        #expect(members.count == projects.count, "\(context): \(members.count) memberships for \(projects.count) records")
        let digest = Hex.encode(SHA256.hash(rebuilt.flatMap { SHA256.hash($0.bytes) }))
        #expect(try reader.catalogDigest().digest == digest, "\(context): the digest differs from a full rebuild's")
        return rebuilt.filter { $0.members.count > 1 }.count
    }
}
