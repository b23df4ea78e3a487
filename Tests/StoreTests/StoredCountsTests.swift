import Catalog
import Feed
import Foundation
import JSON
import SQLite
import Testing
import TestSupport

@testable import Store

/// `stats` serves kept counts (`record_counts`, migration 8) and the clusters by region stored
/// with the digest, instead of counting a million records per call (`/v1/stats` took 2.1 s).
@Suite struct StoredCountsTests {
    static let today = "2026-11-26"

    static func finance(_ id: String, type: String) -> JSONValue {
        [
            "id": .string(id), "kind": "finance", "title": .string("科创贷\(id)"), "summary": "面向科技型企业的信用贷款。",
            "industry": "electronics", "organization": ["name": "成都银行", "type": "financial_institution", "region": "sichuan"],
            "valid_through": "2026-06-30", "product_type": .string(type), "provider": "成都银行",
        ]
    }

    /// What `stats` must say, counted from the rows themselves.
    static func recount(_ path: String) throws -> [String: [String: Int]] {
        let connection = try Connection(path: path)
        var counts: [String: [String: Int]] = [:]
        for column in RecordCounts.columns where column != "valid_through" {
            let pairs = try connection.prepare(
                "SELECT \(column), count(*) FROM records WHERE \(column) IS NOT NULL GROUP BY \(column)"
            ).query { ($0.text(0) ?? "", $0.int(1)) }
            counts[column] = Dictionary(pairs, uniquingKeysWith: +)
        }
        let expired = try connection.prepare("SELECT count(*) FROM records WHERE valid_through < ?")
            .queryFirst([.text(today)]) { $0.int(0) } ?? 0
        let total = try connection.prepare("SELECT count(*) FROM records").queryFirst { $0.int(0) } ?? 0
        counts["totals"] = ["total": total, "expired": expired]
        return counts
    }

    static func expectMatchesRecount(_ test: TestStore, _ step: String) throws {
        let stats = try test.reader().stats(today: today)
        let expected = try recount(test.path)
        let stages = Stage.allCases
        #expect(stats.total == expected["totals"]?["total"], "\(step): total")
        #expect(stats.expired == expected["totals"]?["expired"], "\(step): expired")
        #expect(stats.byKind == expected["kind"], "\(step): by_kind")
        #expect(stats.byIndustry == expected["industry"], "\(step): by_industry")
        #expect(stats.byOrigin == expected["origin"], "\(step): by_origin")
        #expect(stats.byRegion == expected["region"], "\(step): by_region")
        #expect(stats.byFinanceType == expected["finance_type"], "\(step): by_finance_type")
        let byStage = Dictionary((expected["stage"] ?? [:]).map { (stages[Int($0.key)!].rawValue, $0.value) }, uniquingKeysWith: +)
        #expect(stats.byStage == byStage, "\(step): by_stage")
    }

    /// Imports, a re-import that moves records between values, deletion, redaction and a put:
    /// after each, every served count equals a recount of the rows.
    @Test func countsMatchARecountAfterEveryWrite() async throws {
        let test = try TestStore()
        try await test.importJSON([
            RecordFixture.supply("a", title: "光电编码器", industry: "electronics", region: "sichuan"),
            RecordFixture.supply("b", title: "燃气轮机叶片", kind: "technology", industry: "equipment", region: "beijing", stage: "signing"),
            RecordFixture.supply("c", title: "旧成果", validThrough: "2025-12-31"),
            RecordFixture.challenge("d", title: "隧道围岩预判"),
            Self.finance("e", type: "loan"), Self.finance("f", type: "fund"),
        ])
        try Self.expectMatchesRecount(test, "import")
        #expect(try test.reader().stats(today: Self.today).total == 6)
        #expect(try test.reader().stats(today: Self.today).expired == 3)

        try await test.importJSON([
            RecordFixture.supply("a", title: "光电编码器", industry: "materials", region: "chongqing", stage: "deployment"),
            Self.finance("f", type: "insurance"),
        ], name: "second.json")
        try Self.expectMatchesRecount(test, "re-import")
        #expect(try test.reader().stats(today: Self.today).byFinanceType == ["loan": 1, "insurance": 1])

        _ = try await test.store.delete(RecordID("sichuan:b")!)
        try Self.expectMatchesRecount(test, "delete")
        _ = try await test.store.redact(RecordID("sichuan:c")!)
        try Self.expectMatchesRecount(test, "redact")
        #expect(try test.reader().stats(today: Self.today).byKind["technology"] == nil)
    }

    /// The served counts are read from the kept table: with the rows gone behind the triggers'
    /// back, `stats` still answers the kept values (a per-call count would answer 0).
    @Test func statsReadTheKeptCountsNotTheRows() async throws {
        let test = try TestStore()
        try await test.importJSON([RecordFixture.supply("a", title: "光电编码器"), RecordFixture.challenge("b", title: "难题")])
        let connection = try Connection(path: test.path)
        try connection.execute("DROP TRIGGER record_counts_delete; DELETE FROM records;")
        let stats = try test.reader().stats(today: Self.today)
        #expect(stats.total == 2)
        #expect(stats.byKind == ["achievement": 1, "challenge": 1])
    }

    /// A cluster's regions are its members' regions: a project listed by a Sichuan record and a
    /// Beijing origin's record counts once under each; stored at the merge run's end, and applied
    /// records of another origin are counted like the node's own.
    @Test func clustersByRegionCountEachClusterOncePerRegion() async throws {
        let beijing = try TestStore(node: "beijing")
        try await beijing.importJSON([
            RecordFixture.supply("b", title: "先进毫米波感知", organization: "北京理工大学", region: "beijing"),
            RecordFixture.supply("e", title: "脑电监测设备", organization: "北京脑科学研究所", region: "beijing"),
        ])
        let test = try TestStore()
        try await test.importJSON([
            RecordFixture.supply("a", title: "先进毫米波感知技术", region: "sichuan", extra: ["same_as": ["beijing:b"]]),
            RecordFixture.supply("c", title: "光电编码器", region: "sichuan"),
            RecordFixture.challenge("d", title: "隧道围岩预判"),
        ])
        try await test.apply(logOf: beijing)
        try Self.expectMatchesRecount(test, "applied")
        try await test.store.refreshUnified()
        var stats = try test.reader().stats(today: Self.today)
        #expect(stats.byOrigin == ["sichuan": 3, "beijing": 2])
        #expect(stats.clusters == 4)
        #expect(stats.clustersByRegion == ["sichuan": 2, "beijing": 2, "chongqing": 1])
        _ = try await test.store.delete(RecordID("sichuan:a")!)
        try await test.store.refreshUnified()
        stats = try test.reader().stats(today: Self.today)
        #expect(stats.clustersByRegion == ["sichuan": 1, "beijing": 2, "chongqing": 1])
    }

    /// A store from before migration 8 gets its counts and its clusters by region on opening.
    @Test func aVersionSevenStoreGetsItsCounts() async throws {
        let test = try TestStore()
        try await test.importJSON([RecordFixture.supply("a", title: "光电编码器"), Self.finance("e", type: "loan")])
        try await test.store.refreshUnified()
        do {
            let old = try Connection(path: test.path)
            try old.execute("""
                DROP TRIGGER record_counts_insert; DROP TRIGGER record_counts_delete; DROP TRIGGER record_counts_update;
                DROP TABLE record_counts; ALTER TABLE catalog_state DROP COLUMN clusters_by_region; PRAGMA user_version = 7;
                """)
        }
        _ = try CatalogStore(path: test.path)
        try Self.expectMatchesRecount(test, "migrated")
        #expect(try test.reader().stats(today: Self.today).clustersByRegion == ["sichuan": 2])
    }
}
