import Catalog
import Foundation
import JSON
import Testing

/// The sample catalogs of `protocols/examples`: each imports on the node of its region, and
/// together they carry the conference's named projects and the cross-region duplicates the
/// federation's merge must cluster.
@Suite struct SampleCatalogTests {
    /// Each sample file and the origin (node id) that imports it.
    static let files = [("sichuan.json", "sichuan"), ("beijing.json", "beijing"), ("chongqing.json", "chongqing")]

    /// The real titles of DOMAIN.md and the file that must carry each.
    static let domainTitles: [(String, String)] = [
        ("溶剂萃取法精制工业磷酸成套技术", "sichuan.json"), ("光电编码器", "sichuan.json"),
        ("国内首台自主50MW重型燃气轮机研制及商业应用", "sichuan.json"), ("先进毫米波感知技术", "sichuan.json"),
        ("新型多用途ORC能量转换技术", "sichuan.json"), ("特高土石坝建造成套技术", "sichuan.json"),
        ("超大尺寸构件均质化构筑成型技术示范应用", "sichuan.json"),
        ("基于多源数据的隧道围岩超前预判识技术的科学研究", "sichuan.json"),
        ("家用可燃气体探测器(激光)的研发", "sichuan.json"),
        ("D9000PRO 多导睡眠脑电联邦深度学习分析监测设备", "beijing.json"),
        ("碳捕集及资源化CCC工业示范装置", "chongqing.json"),
    ]

    /// `protocols/examples` of this repository, found from this file (`Tests/CatalogTests/…`).
    static let examples: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("protocols/examples")
    }()

    /// The records of one sample file, decoded as its region's node imports them.
    static func load(_ file: String, origin: String) throws -> [Project] {
        let path = examples.appendingPathComponent(file).path
        let data = try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
        let records = try #require(JSONParser.parse(Array(data)).arrayValue, "\(file) must be a JSON array")
        let decoder = ProjectDecoder(mode: .importing(origin: origin))
        return try records.enumerated().map { index, record in
            do {
                return try decoder.decode(record)
            } catch {
                Issue.record("\(file)[\(index)]: \(error)")
                throw error
            }
        }
    }

    static func loadAll() throws -> [String: [Project]] {
        var catalogs: [String: [Project]] = [:]
        for (file, origin) in files { catalogs[file] = try load(file, origin: origin) }
        return catalogs
    }

    @Test(arguments: files)
    func everyRecordImportsOnItsRegionsNode(file: String, origin: String) throws {
        let projects = try Self.load(file, origin: origin)
        #expect(projects.count >= 8)
        #expect(Set(projects.map(\.id)).count == projects.count, "ids must be unique")
        for project in projects {
            #expect(project.id.origin == origin)
            // Listed for years: the samples must not expire under the demo.
            #expect(project.validThrough >= "2029-12-31", "\(project.id)")
            #expect((60...200).contains(project.summary.count), "\(project.id)")
            #expect(project.serviceAgent != nil && project.contact != nil, "\(project.id)")
        }
    }

    @Test(arguments: files)
    func filesArePrettyPrintedUTF8(file: String, origin: String) throws {
        let data = try #require(FileManager.default.contents(atPath: Self.examples.appendingPathComponent(file).path))
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.hasPrefix("[\n  {\n    \"id\": "))
        #expect(text.hasSuffix("]\n"))
        #expect(!text.contains("\\u"), "Chinese is written as UTF-8, not escaped")
        #expect(!text.contains("\t"))
    }

    @Test func theConferencesNamedProjectsArePresent() throws {
        let catalogs = try Self.loadAll()
        for (title, file) in Self.domainTitles {
            #expect(catalogs[file]?.contains { $0.title == title } == true, "\(title) in \(file)")
        }
    }

    @Test func sichuanCoversEveryKindAndItsFinanceProducts() throws {
        let sichuan = try Self.load("sichuan.json", origin: "sichuan")
        #expect(Set(sichuan.map(\.kind)) == Set(ProjectKind.allCases))
        let products = sichuan.compactMap { project -> FinanceProductType? in
            if case .finance(let finance) = project.details { return finance.productType }
            return nil
        }
        #expect(Set(products) == [.loan, .ipPledgeLoan, .fund])
        let turbine = try #require(sichuan.first { $0.title.contains("50MW重型燃气轮机") })
        #expect(turbine.stage == .deployment)
        #expect(turbine.organization.name == "东方电气集团东方汽轮机有限公司")
    }

    @Test func beijingAndChongqingCarryFinanceProducts() throws {
        let catalogs = try Self.loadAll()
        func types(_ file: String) -> Set<FinanceProductType> {
            Set(catalogs[file, default: []].compactMap { project in
                if case .finance(let finance) = project.details { return finance.productType }
                return nil
            })
        }
        #expect(types("beijing.json").contains(.fund))
        #expect(!types("chongqing.json").isDisjoint(with: [.loan, .insurance]))
    }

    /// The merge clusters records across origins by title and organisation, and by `same_as`:
    /// the samples must give it one of each.
    @Test func crossRegionDuplicatesAndLinksExist() throws {
        let catalogs = try Self.loadAll()
        let all = catalogs.values.flatMap { $0 }
        var byKey: [String: Set<String>] = [:]
        for project in all {
            byKey[project.title + "|" + project.organization.name, default: []].insert(project.origin)
        }
        #expect(byKey.values.contains { $0.count > 1 }, "a project listed by two regions")

        let ids = Set(all.map(\.id))
        let links = all.flatMap { project in project.sameAs.map { (project, $0) } }
        #expect(!links.isEmpty)
        for (project, target) in links {
            #expect(target.origin != project.origin)
            #expect(ids.contains(target), "\(project.id) links to \(target), which no sample holds")
        }
    }

    @Test func demoSearchesFindRecordsInSeveralRegions() throws {
        let catalogs = try Self.loadAll()
        let millimetre = catalogs.filter { $0.value.contains { $0.title.contains("毫米波") } }
        let turbine = catalogs.filter { $0.value.contains { $0.title.contains("燃气轮机") } }
        #expect(millimetre.count >= 2 && turbine.count >= 2)
    }
}
