import Catalog
import Foundation
import JSON
import Merge
import Testing

/// The worked example of `protocols/merge.md` is what the code computes, byte for byte.
@Suite struct ExampleTests {
    /// The three records of the example, in their stored form.
    static let records: [Project] = [
        Project(
            id: RecordID("sichuan:ach-0001")!, kind: .technology, title: "先进毫米波感知技术",
            summary: "面向车载与安防的毫米波雷达感知方案。", industry: .electronics, keywords: ["毫米波", "雷达"],
            organization: Organization(name: "电子科技大学", type: .university, region: Region(code: "sichuan")!),
            contact: Contact(name: "张建华", phone: "02885401234"), stage: .matchmaking,
            sessions: ["tianfu-2024/electronics-equipment"], validThrough: "2027-12-31",
            details: .supply(Supply(trl: 6, cooperation: [.licence])), version: 2,
            createdAt: "2026-09-01T08:00:00Z", updatedAt: "2026-09-10T08:00:00Z"),
        Project(
            id: RecordID("beijing:bj-0107")!, kind: .technology, title: "先進毫米波感知技術",
            summary: "毫米波雷達感知技術，已在北京完成路測。", industry: .electronics, keywords: ["雷達", "車載感知"],
            organization: Organization(name: "電子科技大學", type: .university, region: Region(code: "sichuan")!),
            stage: .signing, sessions: ["tianfu-2024/overseas"], validThrough: "2028-06-30",
            sameAs: [RecordID("sichuan:ach-0001")!], details: .supply(Supply(trl: 7, cooperation: [.licence])),
            version: 1, createdAt: "2026-10-20T02:00:00Z", updatedAt: "2026-10-20T02:00:00Z"),
        Project(
            id: RecordID("chongqing:cq-0042")!, kind: .achievement, title: "碳捕集及资源化CCC工业示范装置",
            summary: "燃煤烟气二氧化碳捕集与利用的工业示范。", industry: .energyChemical,
            organization: Organization(name: "重庆大学", type: .university, region: Region(code: "chongqing")!),
            validThrough: "2029-12-31", details: .supply(Supply(trl: 7, cooperation: [.jointDevelopment])),
            version: 1, createdAt: "2026-08-15T00:00:00Z", updatedAt: "2026-08-15T00:00:00Z"),
    ]

    static func mergeMarkdown() throws -> String {
        let testsDirectory = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
        let path = (testsDirectory + ["protocols", "merge.md"]).joined(separator: "/")
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func exampleLinesAreInMergeMD() throws {
        let lines = Merge.canonicalLines(Merge.rebuild(Self.records))
        #expect(lines.count == 2)
        let text = try Self.mergeMarkdown()
        for line in lines {
            let string = String(decoding: line.dropLast(), as: UTF8.self)
            #expect(text.contains("\n" + string + "\n"), "merge.md lacks the line \(string)")
        }
    }

    @Test func exampleRecordsAreValidStoredRecords() throws {
        for project in Self.records {
            let decoded = try ProjectDecoder(mode: .stored).decode(project.jsonValue(nodeFields: true))
            #expect(decoded == project)
        }
    }
}
