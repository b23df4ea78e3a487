import Catalog
import Foundation
import JSON
import Store
import TestSupport
import Testing

@Suite struct ImportTests {
    let samples: [JSONValue] = [
        RecordFixture.supply("ach-1", title: "溶剂萃取法精制工业磷酸成套技术", industry: "energy_chemical"),
        RecordFixture.supply("ach-2", title: "光电编码器"),
        RecordFixture.challenge("ch-1", title: "家用可燃气体探测器(激光)的研发"),
    ]

    @Test func importCreatesThenReimportIsANoOp() async throws {
        let test = try TestStore()
        let first = try await test.importJSON(samples)
        #expect(first.created == 3 && first.updated == 0 && first.unchanged == 0)
        let again = try await test.importJSON(samples)
        #expect(again.created == 0 && again.updated == 0 && again.unchanged == 3)
        let project = try #require(try test.project("sichuan:ach-1"))
        #expect(project.version == 1)
        #expect(project.origin == "sichuan")
    }

    @Test func reimportUpdatesOnlyWhatChanged() async throws {
        let test = try TestStore()
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        try await test.importJSON(samples, now: created)
        var changed = samples
        changed[1] = RecordFixture.supply("ach-2", title: "高精度光电编码器")
        let later = Date(timeIntervalSince1970: 1_800_000_600)
        let report = try await test.importJSON(changed, now: later)
        #expect(report.updated == 1 && report.unchanged == 2 && report.created == 0)
        let updated = try #require(try test.project("sichuan:ach-2"))
        #expect(updated.version == 2)
        #expect(updated.title == "高精度光电编码器")
        #expect(updated.createdAt == DateText.timestamp(created))
        #expect(updated.updatedAt == DateText.timestamp(later))
        #expect(try test.project("sichuan:ach-1")?.version == 1)
    }

    @Test func nodeOwnedFieldsInTheFileAreIgnored() async throws {
        let test = try TestStore()
        let record = RecordFixture.supply(
            "ach-1", title: "光电编码器",
            extra: ["version": 99, "created_at": "2001-01-01T00:00:00Z", "updated_at": "2001-01-01T00:00:00Z"])
        try await test.importJSON([record])
        let project = try #require(try test.project("sichuan:ach-1"))
        #expect(project.version == 1)
        #expect(project.createdAt != "2001-01-01T00:00:00Z")
    }

    @Test func bareIdsGetTheNodeOriginAndForeignIdsAreRefused() async throws {
        let test = try TestStore()
        try await test.importJSON([RecordFixture.supply("sichuan:ach-9", title: "光电编码器")])
        #expect(try test.project("sichuan:ach-9") != nil)
        let issues = await importIssues {
            try await test.importJSON([
                RecordFixture.supply("ach-3", title: "甲"),
                RecordFixture.supply("beijing:ach-1", title: "乙"),
                RecordFixture.supply("ach-4", title: "丙", extra: ["origin": "chongqing"]),
            ], name: "foreign.json")
        }
        #expect(issues.map(\.description) == [
            "\(issues.first?.file ?? ""):3: id: beijing:ach-1 belongs to origin \"beijing\"; this node (sichuan) imports only its own records",
            "\(issues.first?.file ?? ""):4: origin: is \"chongqing\"; this node (sichuan) imports only its own records",
        ])
        #expect(try test.project("sichuan:ach-3") == nil, "a refused import writes nothing")
    }

    @Test func oneInvalidRecordAndNothingIsImportedWithEveryErrorLocated() async throws {
        let test = try TestStore()
        try await test.importJSON([samples[0]])
        let text = """
            [
              {"id": "ach-10", "kind": "achievement", "title": "新型多用途ORC能量转换技术",
               "summary": "余热发电", "industry": "energy_chemical",
               "organization": {"name": "东方电气", "type": "enterprise", "region": "sichuan"},
               "valid_through": "2030-01-01", "trl": 7, "cooperation": ["transfer"]},
              {"id": "ach-11", "kind": "gadget", "title": "光电编码器",
               "summary": "编码器", "industry": "electronics",
               "organization": {"name": "某公司", "type": "enterprise",
                                "region": "atlantis"},
               "valid_through": "2030-02-30", "trl": 12, "cooperation": ["transfer"]},
              {"id": "ach-12", "kind": "technology",
               "summary": "缺标题", "industry": "electronics",
               "organization": {"name": "某公司", "type": "enterprise", "region": "sichuan"},
               "valid_through": "2030-01-01", "trl": 12, "cooperation": ["transfer"],
               "price": {"mode": "fixed", "amount": 1500000.5}}
            ]
            """
        let path = try test.directory.write("bad.json", text)
        let issues = await importIssues { _ = try await test.store.importProjects(from: .file(path)) }
        let lines = issues.map { "\($0.line): \($0.field)" }
        #expect(lines.contains("6: kind"))
        #expect(lines.contains("9: organization.region"))
        #expect(lines.contains("10: valid_through"))
        #expect(lines.contains("14: trl"))
        #expect(!lines.contains("10: trl"), "kind-specific fields are not checked when the kind is unknown")
        #expect(lines.contains("11: title"))
        #expect(lines.contains("15: price.amount"))
        #expect(issues.allSatisfy { $0.file == path })
        #expect(try test.project("sichuan:ach-10") == nil, "the valid first record must not be imported either")
        #expect(try test.reader().stats(today: "2026-01-01").total == 1)
    }

    @Test func duplicateIdsInOneFileAreRefused() async throws {
        let test = try TestStore()
        let issues = await importIssues {
            try await test.importJSON([samples[0], samples[1], RecordFixture.supply("sichuan:ach-1", title: "重复")])
        }
        #expect(issues.count == 1)
        #expect(issues.first?.line == 4)
        #expect(issues.first?.problem.contains("appears twice") == true)
    }

    @Test func notAnArrayIsReportedWithItsLine() async throws {
        let test = try TestStore()
        let path = try test.directory.write("broken.json", "[\n{\"id\": \"a\",\n\"title\": }\n]")
        let issues = await importIssues { _ = try await test.store.importProjects(from: .file(path)) }
        #expect(issues.count == 1)
        #expect(issues.first?.line == 3)
        #expect(issues.first?.field == "(file)")
    }

    @Test func deletedIdComesBackWithTheNextVersion() async throws {
        let test = try TestStore()
        try await test.importJSON(samples)
        let id = RecordID("sichuan:ach-2")!
        #expect(try await test.store.delete(id) == 2)
        #expect(try test.project("sichuan:ach-2") == nil)
        #expect(try test.reader().tombstoneVersion(id) == 2)
        let report = try await test.importJSON(samples)
        #expect(report.created == 1 && report.unchanged == 2)
        #expect(try test.project("sichuan:ach-2")?.version == 3)
        #expect(try test.reader().tombstoneVersion(id) == nil)
    }

    @Test func deletingAnotherOriginsRecordIsRefused() async throws {
        let test = try TestStore()
        await #expect(throws: StoreError.self) { try await test.store.delete(RecordID("beijing:x1")!) }
        await #expect(throws: StoreError.self) { try await test.store.delete(RecordID("sichuan:missing")!) }
    }

    static let csvText = """
        id,kind,title,summary,industry,keywords,organization.name,organization.type,organization.region,valid_through,trl,cooperation,ip,price.mode,price.min,price.max
        sc-1,科技成果,先进毫米波感知技术,"面向交通与安防的毫米波感知，支持多目标跟踪",电子信息,毫米波;雷达；感知,电子科技大学,高校,四川省,2031-06-30,7,转让;许可,invention_patent|ZL202110000001.1|granted,range,1000000,3000000
        sc-2,technology,新型多用途ORC能量转换技术,"余热回收
        发电",energy_chemical,ORC,东方电气集团,enterprise,sichuan,2031-06-30,8,joint_development,,negotiable,,

        """

    @Test func csvWithChineseLabelsImports() async throws {
        let test = try TestStore()
        let path = try test.directory.write("catalog.csv", Self.csvText)
        let report = try await test.store.importProjects(from: .file(path))
        #expect(report.created == 2)
        let project = try #require(try test.project("sichuan:sc-1"))
        #expect(project.kind == .achievement)
        #expect(project.industry == .electronics)
        #expect(project.keywords == ["毫米波", "雷达", "感知"])
        #expect(project.organization.region.code == "sichuan")
        guard case .supply(let supply) = project.details else { Issue.record("not supply"); return }
        #expect(supply.ip == [IPRight(type: .inventionPatent, number: "ZL202110000001.1", status: .granted)])
        #expect(supply.price == Price(mode: .range, min: "1000000", max: "3000000"))
        #expect(try test.project("sichuan:sc-2")?.summary == "余热回收\n发电")
    }

    @Test(arguments: ["bom", "gb18030"])
    func csvEncodings(_ encoding: String) async throws {
        let test = try TestStore()
        var bytes: [UInt8]
        if encoding == "bom" {
            bytes = [0xEF, 0xBB, 0xBF] + Array(Self.csvText.utf8)
        } else {
            let data = try #require(Self.csvText.data(using: String.Encoding(rawValue: 0x8000_0632)))
            bytes = Array(data)
            #expect(String(validating: bytes, as: UTF8.self) == nil, "GB18030 bytes of Chinese text are not UTF-8")
        }
        let path = try test.directory.write("catalog-\(encoding).csv", bytes: bytes)
        let report = try await test.store.importProjects(from: .file(path))
        #expect(report.created == 2)
        #expect(try test.project("sichuan:sc-1")?.title == "先进毫米波感知技术")
        if encoding == "gb18030" {
            let explicit = try await test.store.importProjects(from: .file(path, encoding: .gb18030))
            #expect(explicit.unchanged == 2)
            await #expect(throws: StoreError.self) {
                try await test.store.importProjects(from: .file(path, encoding: .utf8))
            }
        }
    }

    @Test func jsonInGB18030AndWithBOMImports() async throws {
        let test = try TestStore()
        let text = RecordFixture.jsonArray([samples[0]])
        let gb = try #require(text.data(using: String.Encoding(rawValue: 0x8000_0632)))
        let gbPath = try test.directory.write("gb.json", bytes: Array(gb))
        #expect(try await test.store.importProjects(from: .file(gbPath)).created == 1)
        let bomPath = try test.directory.write("bom.json", bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(try await test.store.importProjects(from: .file(bomPath)).unchanged == 1)
    }

    @Test func csvErrorsNameTheLineAndColumn() async throws {
        let test = try TestStore()
        let text = """
            id,kind,title,summary,industry,organization.name,organization.type,organization.region,valid_through,trl,cooperation
            a1,achievement,光电编码器,编码器,electronics,某所,institute,sichuan,2031-01-01,7,transfer
            a2,achievement,光电编码器二,"多行
            摘要",electronics,某所,institute,sichuan,2031-01-01,ten,transfer
            a3,achievement,,编码器,electronics,某所,institute,sichuan,2031-01-01,7,bartering
            """
        let path = try test.directory.write("bad.csv", text)
        let issues = await importIssues { _ = try await test.store.importProjects(from: .file(path)) }
        #expect(issues.map { "\($0.line): \($0.field)" } == ["3: trl", "5: title", "5: cooperation[0]"])
        #expect(try test.reader().stats(today: "2026-01-01").total == 0)
    }

    @Test func csvUnknownColumnIsRefusedAtTheHeader() async throws {
        let test = try TestStore()
        let path = try test.directory.write("bad.csv", "id,title,colour\na,b,c\n")
        let issues = await importIssues { _ = try await test.store.importProjects(from: .file(path)) }
        #expect(issues.count == 1)
        #expect(issues.first?.line == 1)
        #expect(issues.first?.problem.contains("colour") == true)
    }

    @Test func dumpedCSVReimportsUnchanged() async throws {
        let test = try TestStore()
        try await test.importJSON(samples)
        var csv = ProjectCSV.headerLine
        try test.reader().forEachProject { csv += ProjectCSV.line($0) }
        let path = try test.directory.write("dump.csv", csv)
        let report = try await test.store.importProjects(from: .file(path))
        #expect(report.unchanged == 3 && report.total == 3)
    }

    @Test func generatedConferenceCatalogHasTheExactMix() async throws {
        let test = try TestStore()
        let path = test.directory.file("gen.json")
        var generator = CatalogGenerator(region: Region(code: "sichuan")!, count: 4670, seed: 7, today: "2026-11-26")
        let writer = try JSONStreamWriter(path: path)
        while let project = generator.next() { try writer.append(project.jsonValue(nodeFields: false)) }
        try writer.finish()
        let report = try await test.store.importProjects(from: .file(path))
        #expect(report.created == 4670)
        let stats = try test.reader().stats(today: "2026-11-26")
        #expect(stats.byKind == ["achievement": 2430, "technology": 1565, "challenge": 624, "finance": 51])
        #expect(stats.byFinanceType == ["loan": 43, "fund": 5, "insurance": 3])
        #expect(stats.expired == 0)
    }
}

@Suite struct ImportRuleTests {
    @Test func aStageOnceReachedIsNotLost() async throws {
        let test = try TestStore()
        try await test.importJSON([RecordFixture.supply("a", title: "光电编码器", stage: "signing")])
        let issues = await importIssues {
            try await test.importJSON([RecordFixture.supply("a", title: "光电编码器（修订）", stage: "publication")])
        }
        #expect(issues.map(\.field) == ["stage"])
        #expect(issues.first?.problem.contains("cannot go back from signing to publication") == true)
        #expect(try test.project("sichuan:a")?.title == "光电编码器")
        let forward = try await test.importJSON([RecordFixture.supply("a", title: "光电编码器", stage: "deployment")])
        #expect(forward.updated == 1)
    }

    @Test func importRefusesUnknownNestedFieldsButStoredRecordsTolerateThem() throws {
        var object = RecordFixture.supply("sichuan:a", title: "光电编码器").objectValue!
        object["organization"] = ["name": "电子科技大学", "type": "university", "region": "sichuan", "nmae": "typo"]
        #expect {
            try ProjectDecoder(mode: .importing(origin: "sichuan")).decode(.object(object))
        } throws: { error in
            (error as? ValidationError)?.issues.map(\.field) == ["organization.nmae"]
        }
        object["origin"] = "sichuan"
        object["version"] = 1
        object["created_at"] = "2026-01-01T00:00:00Z"
        object["updated_at"] = "2026-01-01T00:00:00Z"
        let project = try ProjectDecoder(mode: .stored).decode(.object(object))
        #expect(project.organization.name == "电子科技大学")
    }

    @Test func nullBoundsCountAsAbsent() throws {
        let decoder = ProjectDecoder(mode: .importing(origin: "sichuan"))
        var challenge = RecordFixture.challenge("c", title: "难题").objectValue!
        challenge["budget"] = ["min": .null, "currency": "CNY"]
        #expect {
            try decoder.decode(.object(challenge))
        } throws: { error in
            (error as? ValidationError)?.issues.map(\.description) == ["budget: needs min, max or both"]
        }
        challenge["budget"] = ["min": .null, "max": "100", "currency": "CNY"]
        let project = try decoder.decode(.object(challenge))
        let reencoded = project.jsonValue(nodeFields: false)
        #expect(reencoded["budget"] == ["max": "100", "currency": "CNY"])
        var supply = RecordFixture.supply("s", title: "光").objectValue!
        supply["problem"] = .null
        supply["price"] = ["mode": "negotiable", "amount": .null]
        #expect(throws: Never.self) { try decoder.decode(.object(supply)) }
    }

    @Test(arguments: ["2027-+6-30", "+027-12-31", "2027-06-3 ", "2027-6-30"])
    func datesAreDigitsOnly(_ text: String) {
        #expect(!DateText.isValidDate(text))
    }

    @Test(arguments: ["2026-01-01T-1:00:00Z", "2026-01-01T+1:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+08:00"])
    func timestampsAreDigitsOnly(_ text: String) {
        #expect(!DateText.isValidTimestamp(text))
    }
}
