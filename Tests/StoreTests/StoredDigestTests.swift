import Catalog
import Foundation
import SQLite
import Testing
import TestSupport

@testable import Store

/// The catalog digest is computed once per merge run and stored with the catalog's generation;
/// `stats` serves the stored value (it hashed the whole unified catalog on every call, seconds on a
/// million records), and shows `pending_merge` while the stored value is behind.
@Suite struct StoredDigestTests {
    @Test func statsServeTheDigestStoredByTheLastMergeAndSayWhenItIsBehind() async throws {
        let test = try TestStore()
        try await test.importJSON([RecordFixture.supply("a", title: "鑫源光电"), RecordFixture.challenge("b", title: "普通难题")])
        try await test.store.refreshUnified()
        let reader = try test.reader()
        let fresh = try reader.catalogDigest()
        let stored = try reader.stats(today: "2026-11-26")
        #expect(stored.catalogDigest == fresh.digest)
        #expect(stored.clusters == fresh.clusters && fresh.clusters == 2)
        #expect(stored.pendingMerge == 0)

        // stats no longer hashes the catalog: a value planted in the stored row is what it serves.
        let writer = try Connection(path: test.path)
        try writer.execute("UPDATE catalog_state SET digest = 'planted'")
        #expect(try reader.stats(today: "2026-11-26").catalogDigest == "planted")

        // A write marks a record; until the next merge the stored digest is behind and says so.
        try await test.importJSON([RecordFixture.supply("c", title: "新型光电探测器")])
        let behind = try reader.stats(today: "2026-11-26")
        #expect(behind.pendingMerge > 0)
        try await test.store.refreshUnified()
        let after = try reader.stats(today: "2026-11-26")
        #expect(after.catalogDigest == (try reader.catalogDigest().digest))
        #expect(after.clusters == 3)
        #expect(after.pendingMerge == 0)
    }

    /// A merge done by a sync's page batches (not by a run's final refresh) leaves no mark, but the
    /// stored digest is behind until the run's refresh: `pending_merge` counts it.
    @Test func aMergeWithoutItsDigestShowsPendingMerge() async throws {
        let test = try TestStore()
        try await test.importJSON([RecordFixture.supply("a", title: "鑫源光电")])
        try await test.store.refreshUnified()
        let writer = try Connection(path: test.path)
        try writer.execute("UPDATE catalog_state SET generation = generation + 1")
        let reader = try test.reader()
        #expect(try reader.stats(today: "2026-11-26").pendingMerge == 1)
        try await test.store.refreshUnified()
        #expect(try reader.stats(today: "2026-11-26").pendingMerge == 0)
    }

    /// A store from before migration 7 gets the digest of the catalog it holds stored at once.
    @Test func aVersionSixStoreGetsItsDigestStored() async throws {
        let test = try TestStore()
        try await test.importJSON([RecordFixture.supply("a", title: "鑫源光电"), RecordFixture.challenge("b", title: "普通难题")])
        try await test.store.refreshUnified()
        do {
            let old = try Connection(path: test.path)
            try old.execute("DROP TABLE catalog_state; DROP TRIGGER record_counts_insert; DROP TRIGGER record_counts_delete; DROP TRIGGER record_counts_update; DROP TABLE record_counts; PRAGMA user_version = 6;")
        }
        _ = try CatalogStore(path: test.path)
        let reader = try test.reader()
        let stats = try reader.stats(today: "2026-11-26")
        #expect(stats.catalogDigest == (try reader.catalogDigest().digest))
        #expect(stats.clusters == 2)
        #expect(stats.pendingMerge == 0)
    }
}
