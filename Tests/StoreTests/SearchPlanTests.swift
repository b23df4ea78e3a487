import Catalog
import Foundation
import JSON
import Query
import SQLite
@testable import Store
import TestSupport
import Testing

/// The search planner and the bounded page: whichever index drives, and however small the work
/// limits, a search finds exactly the records a plain scan finds, each once across its pages.
@Suite struct SearchPlanTests {
    static let today = "2026-11-26"

    // MARK: The planner's choice

    @Test func theSmallestStreamDrivesAndLargeOnesAreOnlyWalked() {
        let limits = SearchLimits(readable: 1000, sample: 100, pageRows: 400, pageSteps: 4000)
        // A rare filter with a common term: the filter's list drives; the term is tested on rows.
        #expect(SearchPlan(counts: [.grams: 1001, .tags: 12], limits: limits) == SearchPlan(read: [.tags], walk: nil))
        // A rare term with a common filter: the term drives.
        #expect(SearchPlan(counts: [.trigram: 3, .tags: 1001], limits: limits) == SearchPlan(read: [.trigram], walk: nil))
        // Several small streams are read smallest first (and intersected).
        #expect(SearchPlan(counts: [.trigram: 900, .grams: 40, .tags: 300], limits: limits)
            == SearchPlan(read: [.grams, .tags, .trigram], walk: nil))
        // A term no record has: its empty list ends the search.
        #expect(SearchPlan(counts: [.trigram: 0, .tags: 1001], limits: limits).read.first == .trigram)
        // Everything common: nothing is read; terms are walked before filters.
        #expect(SearchPlan(counts: [.characters: 1001, .tags: 1001], limits: limits) == SearchPlan(read: [], walk: .characters))
        #expect(SearchPlan(counts: [.tags: 1001], limits: limits) == SearchPlan(read: [], walk: .tags))
        // No index at all (no terms, no filters): the table is walked.
        #expect(SearchPlan(counts: [:], limits: limits) == SearchPlan(read: [], walk: nil))
    }

    @Test func filtersBecomeOneTagExpression() {
        var request = SearchRequest(today: Self.today)
        #expect(SearchTags.expression(request) == nil)
        request.kinds = [.finance, .challenge]
        request.stages = [.deployment]
        request.trl = 7...9
        request.origins = ["inner-mongolia"]
        #expect(SearchTags.expression(request)
            == #"("k_challenge" OR "k_finance") AND "s_5" AND "o_inner-mongolia" AND ("t_7" OR "t_8" OR "t_9")"#)
        // An origin that cannot be a tag is no record's origin: nothing matches it.
        request = SearchRequest(origins: ["bad origin"], today: Self.today)
        #expect(SearchTags.expression(request) == #""o_""#)
    }

    // MARK: Same results as a scan

    /// A catalog of generated records plus a few that are expired, from other regions, or carry
    /// one-character words, so every filter and expiry path has something to find or leave out.
    static func catalog() async throws -> TestStore {
        let test = try TestStore()
        var generator = CatalogGenerator(region: Region(code: "sichuan")!, count: 400, seed: 11, today: today)
        var records: [JSONValue] = []
        while let project = generator.next() { records.append(project.jsonValue(nodeFields: false)) }
        records += [
            RecordFixture.supply("x-old", title: "过期的智能技术", validThrough: "2020-01-01"),
            RecordFixture.supply("x-bj", title: "北京的智能监测技术", organization: "北京理工大学", region: "beijing", trl: 9),
            RecordFixture.challenge("x-cq", title: "光纤传感的难题", industry: "electronics"),
            RecordFixture.supply("x-q", title: "Q-switch 激光器", keywords: ["激光", "Q"], trl: 4),
        ]
        try await test.importJSON(records)
        return test
    }

    /// The matching ids by a plain scan over every row: every term a substring (in UTF-8) of one
    /// of the folded fields, every filter on the row's columns, and not expired.
    static func reference(_ test: TestStore, _ request: SearchRequest) throws -> Set<String> {
        let connection = try Connection(path: test.path, mode: .readOnly)
        let rows = try connection.prepare(
            "SELECT id, kind, industry, region, stage, origin, trl, valid_through, s_title, s_summary, s_keywords, s_org FROM records"
        ).query { row in
            (id: row.text(0) ?? "", kind: row.text(1) ?? "", industry: row.text(2) ?? "", region: row.text(3) ?? "",
             stage: row.int(4), origin: row.text(5) ?? "", trl: row.optionalInt(6), validThrough: row.text(7) ?? "",
             fields: (8...11).map { Array((row.text($0) ?? "").utf8) })
        }
        func contains(_ field: [UInt8], _ term: [UInt8]) -> Bool {
            guard term.count <= field.count else { return false }
            return (0...(field.count - term.count)).contains { field[$0..<$0 + term.count].elementsEqual(term) }
        }
        var ids: Set<String> = []
        for row in rows {
            guard request.terms.allSatisfy({ term in row.fields.contains { contains($0, Array(term.utf8)) } }) else { continue }
            if !request.kinds.isEmpty, !request.kinds.map(\.rawValue).contains(row.kind) { continue }
            if !request.industries.isEmpty, !request.industries.map(\.rawValue).contains(row.industry) { continue }
            if !request.regions.isEmpty, !request.regions.map(\.code).contains(row.region) { continue }
            if !request.origins.isEmpty, !request.origins.contains(row.origin) { continue }
            if !request.stages.isEmpty, !request.stages.map(\.ordinal).contains(row.stage) { continue }
            if let trl = request.trl, !(row.trl.map { trl.contains($0) } ?? false) { continue }
            if !request.includeExpired, row.validThrough < request.today { continue }
            ids.insert(row.id)
        }
        return ids
    }

    /// Every page of `request` until the cursor runs out.
    static func walk(_ test: TestStore, _ request: SearchRequest, limits: SearchLimits) throws -> (ids: [String], pages: [SearchPage]) {
        var request = request
        var ids: [String] = []
        var pages: [SearchPage] = []
        let reader = try test.reader()
        repeat {
            let page = try reader.search(request, limits: limits)
            ids += page.hits.map(\.project.id.description)
            pages.append(page)
            request.cursor = page.nextCursor
        } while request.cursor != nil && pages.count < 500
        return (ids, pages)
    }

    static let queries = [
        "技术", "技", "智能", "系统", "研", "光", "q", "激光器", "智能化", "技术 kind:finance", "技术 kind:challenge",
        "技 industry:health", "智能 region:beijing", "region:beijing", "kind:challenge", "stage:落地运用", "trl:9", "技术 trl:8-9",
        "技术 stage:publication kind:technology", "过期", "先进毫米波感知 kind:challenge", "研 系统 技术", "", "量子",
        "q-", "q- 激光",
    ]

    /// Tiny limits put a 400-record catalog on every path: lists read and intersected, streams
    /// and the table walked in windows, sampled counts, short pages and order walks.
    static let tiny = SearchLimits(readable: 120, sample: 40, pageRows: 100, pageSteps: 600)

    @Test(arguments: SearchOrder.allCases)
    func everyMatchOnceWhateverDrives(_ order: SearchOrder) async throws {
        let test = try await Self.catalog()
        var paths = (estimated: false, windowed: false, short: false)
        for query in Self.queries {
            for includeExpired in [false, true] {
                let request = try QueryParser.parse(
                    query, into: SearchRequest(includeExpired: includeExpired, order: order, limit: 30, today: Self.today))
                let expected = try Self.reference(test, request)
                for limits in [SearchLimits(), Self.tiny] {
                    let (ids, pages) = try Self.walk(test, request, limits: limits)
                    let label = "\(query) \(order) expired:\(includeExpired) sample:\(limits.sample)"
                    #expect(Set(ids) == expected, "\(label)")
                    #expect(ids.count == Set(ids).count, "no record twice: \(label)")
                    let first = try #require(pages.first)
                    if !first.totalApproximate {
                        #expect(first.total == expected.count, "\(label)")
                        #expect(first.facets["kind"]?.values.reduce(0, +) == expected.count, "\(label)")
                    }
                    // Within its limits every page does bounded work but never repeats or skips.
                    #expect(pages.allSatisfy { $0.hits.count <= 30 }, "\(label)")
                    paths.estimated = paths.estimated || first.totalApproximate
                    paths.windowed = paths.windowed || pages.contains { $0.orderApproximate }
                    paths.short = paths.short || pages.contains { $0.hits.count < 30 && $0.nextCursor != nil }
                }
            }
        }
        // The tiny limits reached the estimated, windowed and short-page paths.
        #expect(paths.estimated && paths.windowed, "\(paths)")
        if order == .relevance { #expect(paths.short, "\(paths)") }
    }

    @Test func exactOrderWhenTheOrderIsNotApproximate() async throws {
        let test = try await Self.catalog()
        for order in [SearchOrder.recency, .title] {
            for query in ["技术", "kind:achievement", ""] {
                let request = try QueryParser.parse(query, into: SearchRequest(order: order, limit: 25, today: Self.today))
                let exact = try Self.walk(test, request, limits: SearchLimits()).ids
                let (ids, pages) = try Self.walk(test, request, limits: Self.tiny)
                // Common matches: the order walk fills pages in the exact order.
                #expect(pages.allSatisfy { !$0.orderApproximate }, "\(query) \(order)")
                #expect(ids == exact, "\(query) \(order)")
            }
        }
    }

    @Test func aRareFilterWithACommonTermFindsWhatItFoundBefore() async throws {
        let test = try await Self.catalog()
        // 技术 is in most records, kind:finance in few: the tag list drives.
        let request = try QueryParser.parse("技术 kind:finance", into: SearchRequest(limit: 1000, today: Self.today))
        let page = try test.reader().search(request)
        #expect(Set(page.hits.map(\.project.id.description)) == (try Self.reference(test, request)))
        #expect(!page.totalApproximate && !page.facetsApproximate && !page.orderApproximate)
        #expect(page.hits.allSatisfy { $0.project.kind == .finance })
        // Ranked over every match: title hits first.
        let scores = page.hits.map(\.score)
        #expect(scores == scores.sorted(by: >))
    }

    // MARK: Estimates, flagged

    @Test func countsBeyondTheSampleAreEstimatedAndSaySo() async throws {
        let test = try await Self.catalog()
        let request = try QueryParser.parse("技术", into: SearchRequest(today: Self.today))
        let expected = try Self.reference(test, request).count
        let exact = try test.reader().search(request)
        #expect(exact.total == expected)
        #expect(!exact.totalApproximate && !exact.facetsApproximate && !exact.orderApproximate)

        let estimated = try test.reader().search(request, limits: Self.tiny)
        #expect(estimated.totalApproximate && estimated.facetsApproximate && estimated.orderApproximate)
        #expect(abs(estimated.total - expected) <= expected / 3, "estimate \(estimated.total) of \(expected)")
        let kinds = estimated.facets["kind"]?.values.reduce(0, +) ?? 0
        #expect(abs(kinds - estimated.total) <= 4, "facets scale with the total")
        // Recency walks its index: the order stays exact, only the counts are estimates.
        let recency = try test.reader().search(
            try QueryParser.parse("技术", into: SearchRequest(order: .recency, today: Self.today)), limits: Self.tiny)
        #expect(recency.totalApproximate && !recency.orderApproximate)
    }

    // MARK: Bounds

    @Test func tooManyOrTooLongTermsAreRefused() async throws {
        let test = try await Self.catalog()
        let nine = SearchRequest(terms: (1...9).map { "词\($0)" }, today: Self.today)
        #expect(throws: StoreError.self) { try test.reader().search(nine) }
        let long = SearchRequest(terms: [String(repeating: "长", count: 65)], today: Self.today)
        #expect(throws: StoreError.self) { try test.reader().search(long) }
        let origins = SearchRequest(origins: Set((1...33).map { "o\($0)" }), today: Self.today)
        #expect(throws: StoreError.self) { try test.reader().search(origins) }
        let eight = SearchRequest(terms: (1...8).map { "词\($0)" }, today: Self.today)
        #expect(try test.reader().search(eight).total == 0)
    }

    // MARK: The indexes follow writes

    @Test func characterAndTagIndexesFollowUpdatesAndDeletions() async throws {
        let test = try TestStore()
        try await test.importJSON([
            RecordFixture.supply("a", title: "鑫源光电", industry: "electronics", trl: 5),
            RecordFixture.supply("b", title: "普通项目", industry: "health", trl: 7),
        ])
        func ids(_ query: String) throws -> Set<String> {
            let request = try QueryParser.parse(query, into: SearchRequest(today: Self.today))
            return Set(try test.reader().search(request, limits: Self.tiny).hits.map(\.project.id.local))
        }
        #expect(try ids("鑫") == ["a"])
        #expect(try ids("industry:electronics") == ["a"])
        try await test.importJSON([RecordFixture.supply("a", title: "晶体光电", industry: "materials", trl: 5)])
        #expect(try ids("鑫").isEmpty)
        #expect(try ids("晶") == ["a"])
        #expect(try ids("industry:electronics").isEmpty)
        #expect(try ids("industry:materials") == ["a"])
        _ = try await test.store.delete(RecordID("sichuan:a")!)
        #expect(try ids("晶").isEmpty)
        #expect(try ids("industry:materials").isEmpty)
        #expect(try ids("trl:7") == ["b"])
        let connection = try Connection(path: test.path, mode: .readOnly)
        for table in ["records_chars", "records_tags"] {
            #expect(try connection.prepare("SELECT count(*) FROM \(table) WHERE \(table) MATCH ?")
                .queryFirst([.text(table == "records_chars" ? "\"普\"" : "\"i_health\"")]) { $0.int(0) } == 1)
        }
    }
}
