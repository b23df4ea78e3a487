import Catalog
import Foundation
import JSON
import Query
import Store
import TestSupport
import Testing

@Suite struct SearchTests {
    static let today = "2026-11-26"

    /// A small catalog whose titles are the real conference projects.
    static func catalog() async throws -> TestStore {
        let test = try TestStore()
        try await test.importJSON([
            RecordFixture.supply("t1", title: "先进毫米波感知技术", kind: "technology", keywords: ["毫米波", "雷达"], trl: 7),
            RecordFixture.supply("t2", title: "新型多用途ORC能量转换技术", kind: "technology", industry: "energy_chemical",
                                 keywords: ["余热发电"], organization: "东方电气集团", trl: 8),
            RecordFixture.supply("a1", title: "国内首台自主50MW重型燃气轮机研制及商业应用", industry: "equipment",
                                 organization: "东方电气集团东方汽轮机有限公司", stage: "deployment", trl: 9),
            RecordFixture.supply("a2", title: "光电编码器", summary: "高精度角度测量", organization: "中国科学院光电技术研究所", trl: 6),
            RecordFixture.supply("a3", title: "溶剂萃取法精制工业磷酸成套技术", industry: "energy_chemical",
                                 organization: "四川大学", region: "sichuan", trl: 8),
            RecordFixture.supply("b1", title: "D9000PRO 多导睡眠脑电联邦深度学习分析监测设备", industry: "health",
                                 organization: "北京某医疗科技有限公司", region: "beijing", trl: 7),
            RecordFixture.challenge("c1", title: "超大尺寸构件均质化构筑成型技术示范应用"),
            RecordFixture.challenge("c2", title: "家用可燃气体探测器(激光)的研发", industry: "electronics"),
            RecordFixture.supply("old", title: "过期的毫米波项目", validThrough: "2020-01-01"),
        ])
        return test
    }

    func search(_ test: TestStore, _ query: String, configure: (inout SearchRequest) -> Void = { _ in }) throws -> SearchPage {
        var request = try QueryParser.parse(query, into: SearchRequest(today: Self.today))
        configure(&request)
        return try test.reader().search(request)
    }

    func ids(_ page: SearchPage) -> Set<String> { Set(page.hits.map { $0.project.id.local }) }

    @Test(arguments: [
        ("毫米波", ["t1"]),  // three characters: trigram index
        ("毫米", ["t1"]),  // two characters: scan
        ("光", ["a2", "c2"]),  // one character (光电编码器, 激光)
        ("先進毫米波", ["t1"]),  // Traditional folds to Simplified
        ("光電", ["a2"]),  // Traditional, two characters
        ("ORC", ["t2"]),
        ("ＯＲＣ", ["t2"]),  // full width
        ("orc", ["t2"]),  // any case
        ("50MW", ["a1"]),
        ("50mw 燃气轮机", ["a1"]),  // every term must match
        ("D9000PRO", ["b1"]),
        ("燃气轮机", ["a1"]),
        ("东方电气", ["t2", "a1"]),  // organisation
        ("余热发电", ["t2"]),  // keywords
        ("角度", ["a2"]),  // summary, two characters
        ("磷酸 萃取", ["a3"]),
        ("\"燃气轮机研制\"", ["a1"]),
        ("量子计算", []),
    ])
    func chineseSearch(_ query: String, _ expected: [String]) async throws {
        let test = try await Self.catalog()
        let page = try search(test, query)
        #expect(ids(page) == Set(expected), "query \(query)")
        #expect(page.total == expected.count)
    }

    @Test func expiredRecordsOnlyWhenAskedFor() async throws {
        let test = try await Self.catalog()
        #expect(ids(try search(test, "毫米波")) == ["t1"])
        #expect(ids(try search(test, "毫米波") { $0.includeExpired = true }) == ["t1", "old"])
        #expect(ids(try search(test, "毫米") { $0.includeExpired = true }) == ["t1", "old"])
    }

    @Test func filtersCombineWithTerms() async throws {
        let test = try await Self.catalog()
        #expect(ids(try search(test, "技术 kind:technology")) == ["t1", "t2"])
        #expect(ids(try search(test, "技术 industry:能源化工")) == ["t2", "a3"])
        #expect(ids(try search(test, "region:北京")) == ["b1"])
        #expect(ids(try search(test, "stage:落地运用")) == ["a1"])
        #expect(ids(try search(test, "trl:8-9")) == ["t2", "a1", "a3"])
        #expect(ids(try search(test, "kind:challenge region:chongqing")) == ["c1", "c2"])
        #expect(ids(try search(test, "kind:challenge industry:electronics")) == ["c2"])
        #expect(ids(try search(test, "origin:sichuan")).count == 8)
        #expect(ids(try search(test, "origin:beijing")).isEmpty)
    }

    @Test func facetsCountTheWholeResultSet() async throws {
        let test = try await Self.catalog()
        let page = try search(test, "技术") { $0.limit = 1 }
        #expect(page.hits.count == 1)
        #expect(page.total == 5)
        #expect(page.facets["kind"] == ["technology": 2, "achievement": 1, "challenge": 1, "finance": nil].compactMapValues { $0 }
            .merging(["achievement": 2]) { _, new in new })
        #expect(page.facets["industry"]?["energy_chemical"] == 2)
        #expect(page.facets["region"]?.values.reduce(0, +) == 5)
    }

    @Test func titleMatchesRankFirst() async throws {
        let test = try await Self.catalog()
        let page = try search(test, "东方电气")
        // Both match by organisation; the ORC record also has no title match: order is by score,
        // then stable. Add a title hit and it must come first.
        #expect(page.hits.count == 2)
        let titled = try search(test, "编码器")
        #expect(titled.hits.first?.project.id.local == "a2")
        #expect(titled.hits.first.map { $0.score > 0 } == true)
    }

    @Test(arguments: SearchOrder.allCases)
    func pagesWalkEveryResultOnce(_ order: SearchOrder) async throws {
        let test = try TestStore()
        var generator = CatalogGenerator(region: Region(code: "sichuan")!, count: 300, seed: 3, today: Self.today)
        var records: [JSONValue] = []
        while let project = generator.next() { records.append(project.jsonValue(nodeFields: false)) }
        try await test.importJSON(records)
        for query in ["", "技术", "智能"] {
            var request = try QueryParser.parse(query, into: SearchRequest(order: order, limit: 7, today: Self.today))
            var seen: [String] = []
            var total = 0
            var pages = 0
            repeat {
                let page = try test.reader().search(request)
                total = page.total
                seen += page.hits.map(\.project.id.description)
                request.cursor = page.nextCursor
                pages += 1
            } while request.cursor != nil && pages < 100
            #expect(seen.count == total, "\(order) \(query)")
            #expect(Set(seen).count == seen.count, "no record twice (\(order) \(query))")
            #expect(total > 7, "the query spans several pages")
        }
    }

    @Test func titleOrderIsPinyin() async throws {
        let test = try TestStore()
        try await test.importJSON([
            RecordFixture.supply("z", title: "重庆数据平台"), RecordFixture.supply("b", title: "北京睡眠监测"),
            RecordFixture.supply("a", title: "阿坝高原农业"), RecordFixture.supply("s", title: "四川磷化工"),
            RecordFixture.supply("x", title: "西安导航"), RecordFixture.supply("y", title: "先进毫米波"),
            RecordFixture.supply("h", title: "成都银行科技贷"), RecordFixture.supply("zx", title: "重型燃气轮机"),
        ])
        let page = try search(test, "") { $0.order = .title }
        // 重 reads chóng in 重庆 but zhòng in 重型; 行 reads háng in 银行.
        #expect(page.hits.map(\.project.title) == [
            "阿坝高原农业", "北京睡眠监测", "成都银行科技贷", "重庆数据平台", "四川磷化工", "西安导航", "先进毫米波", "重型燃气轮机",
        ])
    }

    @Test func recencyOrderPutsTheLatestChangeFirst() async throws {
        let test = try TestStore()
        try await test.importJSON([RecordFixture.supply("a", title: "甲项目"), RecordFixture.supply("b", title: "乙项目")],
                                  now: Date(timeIntervalSince1970: 1_800_000_000))
        try await test.importJSON([RecordFixture.supply("a", title: "甲项目（更新）")], now: Date(timeIntervalSince1970: 1_800_000_100))
        let page = try search(test, "") { $0.order = .recency }
        #expect(page.hits.map(\.project.id.local) == ["a", "b"])
    }

    @Test func badCursorIsRefused() async throws {
        let test = try await Self.catalog()
        #expect(throws: StoreError.self) { try search(test, "技术") { $0.cursor = "not-a-cursor" } }
    }

    @Test func statsCountByEveryFacet() async throws {
        let test = try await Self.catalog()
        _ = try await test.store.delete(RecordID("sichuan:a2")!)
        let stats = try test.reader().stats(today: Self.today)
        #expect(stats.total == 8)
        #expect(stats.expired == 1)
        #expect(stats.deleted == 1)
        #expect(stats.byKind == ["technology": 2, "achievement": 4, "challenge": 2])
        #expect(stats.byOrigin == ["sichuan": 8])
        #expect(stats.byRegion == ["sichuan": 5, "beijing": 1, "chongqing": 2])
        #expect(stats.byStage == ["publication": 7, "deployment": 1])
    }
}
