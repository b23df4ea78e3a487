import Catalog
import Feed
import Foundation
import JSON
import SQLite
import Testing
import TestSupport

@testable import Store

/// `search` with `unified`: one result per cluster of the unified catalog (issue 10, item 1).
@Suite struct UnifiedSearchTests {
    static let today = "2026-11-26"

    /// A Sichuan node holding its own records and a Beijing origin's: `sichuan:a` and `beijing:b`
    /// are one project (same_as), listed in two regions; six more records are clusters of one.
    static func federated() async throws -> TestStore {
        let beijing = try TestStore(node: "beijing")
        try await beijing.importJSON([
            RecordFixture.supply("b", title: "先进毫米波感知", organization: "北京理工大学", region: "beijing", stage: "signing"),
            RecordFixture.supply("e", title: "脑电监测设备", organization: "北京脑科学研究所", region: "beijing"),
        ])
        let test = try TestStore()
        try await test.importJSON(
            [RecordFixture.supply("a", title: "先进毫米波感知技术", region: "sichuan", extra: ["same_as": ["beijing:b"]])]
                + (0..<5).map { RecordFixture.supply("s\($0)", title: "光电编码器\($0)", region: "sichuan") }
                + [RecordFixture.challenge("d", title: "隧道围岩预判")])
        try await test.apply(logOf: beijing)
        try await test.store.refreshUnified()
        return test
    }

    /// The steward of the two-region cluster, as the merge stored it.
    static func steward(_ test: TestStore) throws -> String {
        let connection = try SQLite.Connection(path: test.path)
        let text = try connection.prepare("SELECT json_extract(CAST(entry AS TEXT), '$.steward') FROM unified WHERE cluster_id = 'beijing:b'")
            .queryFirst { $0.text(0) } ?? nil
        return try #require(text)
    }

    static func request(_ terms: [String] = [], regions: Set<Region> = [], order: SearchOrder = .relevance, limit: Int = 20,
                        cursor: String? = nil, unified: Bool = true) -> SearchRequest {
        var request = SearchRequest(terms: terms, regions: regions, order: order, limit: limit, cursor: cursor, today: today)
        request.unified = unified
        return request
    }

    /// The cluster listed in Sichuan and Beijing is one result under its steward's id, with the
    /// cluster and both members; its region and origin facets count it once under each value.
    @Test func aClusterInTwoRegionsIsOneResult() async throws {
        let test = try await Self.federated()
        let reader = try test.reader()
        let plain = try reader.search(Self.request(["毫米波"], unified: false))
        #expect(plain.total == 2)
        #expect(plain.hits.allSatisfy { $0.cluster == nil })

        let page = try reader.search(Self.request(["毫米波"]))
        let steward = try Self.steward(test)
        #expect(page.total == 1)
        #expect(page.hits.map(\.project.id.description) == [steward])
        #expect(page.hits.first?.cluster == "beijing:b")
        #expect(page.hits.first?.members == ["beijing:b", "sichuan:a"])
        #expect(page.facets["region"] == ["sichuan": 1, "beijing": 1])
        #expect(page.facets["origin"] == ["sichuan": 1, "beijing": 1])
        #expect(page.facets["kind"] == ["achievement": 1])
        #expect(page.facets["stage"] == ["publication": 1, "signing": 1])
    }

    /// A filter matches a cluster when any member matches: region beijing finds the cluster
    /// (through its Beijing member) under the steward's id, and region chongqing does not.
    @Test func aFilterMatchesAClusterWhenAnyMemberMatches() async throws {
        let test = try await Self.federated()
        let reader = try test.reader()
        let steward = try Self.steward(test)
        for region in ["beijing", "sichuan"] {
            let page = try reader.search(Self.request(["毫米波"], regions: [Region(code: region)!]))
            #expect(page.total == 1, "\(region)")
            #expect(page.hits.map(\.project.id.description) == [steward], "\(region)")
            #expect(page.hits.first?.members == ["beijing:b", "sichuan:a"], "\(region)")
        }
        #expect(try reader.search(Self.request(["毫米波"], regions: [Region(code: "chongqing")!])).total == 0)
        // Every record: nine records, eight clusters.
        let all = try reader.search(Self.request())
        #expect(all.total == 8)
        #expect(all.facets["region"] == ["sichuan": 6, "beijing": 2, "chongqing": 1])
        #expect(all.facets["origin"] == ["sichuan": 7, "beijing": 2])
    }

    /// Cursors page over clusters: in every order, with the normal and with tiny work limits
    /// (sampled, windowed and walked paths), a page of one at a time lists each cluster once.
    @Test(arguments: SearchOrder.allCases)
    func cursorsPageOverClusters(order: SearchOrder) async throws {
        let test = try await Self.federated()
        let reader = try test.reader()
        for limits in [SearchLimits(), SearchLimits(readable: 4, sample: 2, pageRows: 3, pageSteps: 6)] {
            for terms in [[], ["光电编码器"], ["先进"]] {
                var ids: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let page = try reader.search(Self.request(terms, order: order, limit: 1, cursor: cursor), limits: limits)
                    ids += page.hits.map(\.project.id.description)
                    cursor = page.nextCursor
                    pages += 1
                } while cursor != nil && pages < 50
                let expected = terms.isEmpty ? 8 : terms == ["先进"] ? 1 : 5
                #expect(ids.count == expected, "\(order) \(terms) \(limits.sample): \(ids)")
                #expect(Set(ids).count == ids.count, "\(order) \(terms) \(limits.sample): \(ids)")
            }
        }
    }

    /// A deleted member is gone from the cluster's result at once: right after the delete (before
    /// the merge runs again) and after it, only the members that still have a record are listed
    /// and counted. (A redaction keeps the record listed without its contact, feed.md §4, and a
    /// search result carries no contact.)
    @Test func aDeletedMemberIsNotListed() async throws {
        let test = try await Self.federated()
        _ = try await test.store.delete(RecordID("sichuan:a")!)
        for step in ["before the merge", "after the merge"] {
            let page = try test.reader().search(Self.request(["毫米波"]))
            #expect(page.total == 1, "\(step)")
            #expect(page.hits.map(\.project.id.description) == ["beijing:b"], "\(step)")
            #expect(page.hits.first?.members == ["beijing:b"], "\(step)")
            #expect(page.facets["origin"] == ["beijing": 1], "\(step)")
            try await test.store.refreshUnified()
        }
    }
}
