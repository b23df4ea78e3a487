import Catalog
import JSON
import Merge
import Testing

/// `Merge.unify`: the unified entry of one cluster.
@Suite struct UnifyTests {
    @Test func stewardIsCreatedFirstThenSmallestID() {
        let early = Fixture.project("sichuan:a1", createdAt: "2026-03-01T00:00:00Z")
        let earliest = Fixture.project("chongqing:c1", createdAt: "2025-12-31T23:59:59Z")
        let tiedLater = Fixture.project("beijing:b1", createdAt: "2026-03-01T00:00:00Z")
        #expect(Merge.unify([early, earliest, tiedLater]).steward == earliest.id)
        #expect(Merge.unify([early, tiedLater]).steward == tiedLater.id)
        #expect(Merge.unify([tiedLater, early]).json["steward"] == "beijing:b1")
    }

    @Test func recordIsTheStewardsWithMergedFields() throws {
        let steward = Fixture.project(
            "sichuan:a1", title: "先进毫米波感知技术", stage: .matchmaking, keywords: ["毫米波", "ORC", "雷达"],
            sessions: ["tianfu-2024/electronics-equipment"], validThrough: "2028-06-30",
            createdAt: "2026-01-01T00:00:00Z")
        let second = Fixture.project(
            "beijing:b1", title: "先進毫米波感知技術", stage: .publication, keywords: ["雷達", "感知", "ｏｒｃ"],
            sessions: ["tianfu-2024/overseas", "TIANFU-2024/electronics-equipment"], validThrough: "2031-01-31",
            createdAt: "2026-02-01T00:00:00Z")
        let third = Fixture.project(
            "chongqing:c1", title: "先进毫米波感知技术", stage: .signing, keywords: ["感知", "车载"],
            validThrough: "2029-12-31", createdAt: "2026-02-01T00:00:00Z")
        let entry = Merge.unify([third, second, steward])
        let record = try #require(entry.json["record"])
        #expect(record["id"] == "sichuan:a1")
        #expect(record["title"] == "先进毫米波感知技术")
        #expect(record["stage"] == "signing")
        // Steward first, then the others by id (beijing before chongqing), compared folded.
        #expect(record["keywords"] == ["毫米波", "ORC", "雷达", "感知", "车载"])
        #expect(record["sessions"] == ["tianfu-2024/electronics-equipment", "tianfu-2024/overseas"])
        #expect(record["valid_through"] == "2031-01-31")
        #expect(record["version"] == 1)
        #expect(entry.members.map(\.description) == ["beijing:b1", "chongqing:c1", "sichuan:a1"])
        #expect(entry.json["members"] == [
            ["id": "beijing:b1", "origin": "beijing", "version": 1, "stage": "publication"],
            ["id": "chongqing:c1", "origin": "chongqing", "version": 1, "stage": "signing"],
            ["id": "sichuan:a1", "origin": "sichuan", "version": 1, "stage": "matchmaking"],
        ])
    }

    @Test func unionsAreCapped() throws {
        let first = Fixture.project(
            "sichuan:a1", keywords: (0..<30).map { "甲\($0)" }, sessions: (0..<20).map { "s\($0)" },
            createdAt: "2025-01-01T00:00:00Z")
        let second = Fixture.project(
            "beijing:b1", keywords: (0..<30).map { "乙\($0)" }, sessions: (0..<20).map { "t\($0)" })
        let third = Fixture.project("chongqing:c1", keywords: ["丙"], sessions: ["u"])
        let record = try #require(Merge.unify([first, second, third]).json["record"])
        #expect(record["keywords"]?.arrayValue?.count == Merge.maxKeywords)
        #expect(record["sessions"]?.arrayValue?.count == Merge.maxSessions)
        #expect(record["keywords"]?.arrayValue?.contains("丙") == false)
    }

    @Test func conflictsListEveryDisagreeingFieldWithEveryValue() throws {
        let a = Fixture.project(
            "sichuan:a1", stage: .publication, keywords: ["甲"], summary: "摘要一", version: 3,
            createdAt: "2026-01-01T00:00:00Z", extra: ["x_batch": "2026-09"])
        var b = Fixture.project(
            "beijing:b1", stage: .signing, keywords: ["乙"], sameAs: ["sichuan:a1"], summary: "摘要二", version: 1,
            createdAt: "2026-05-01T00:00:00Z")
        b.description = "完整介绍"
        let c = Fixture.project(
            "chongqing:c1", stage: .publication, summary: "摘要一", version: 2, createdAt: "2026-06-01T00:00:00Z",
            extra: ["x_batch": "2026-09"])
        let entry = Merge.unify([a, b, c])
        let conflicts = try #require(entry.json["conflicts"]?.arrayValue)
        #expect(conflicts.map { $0["field"] } == ["description", "stage", "summary", "x_batch"])
        #expect(conflicts[0] == [
            "field": "description",
            "values": [
                ["id": "beijing:b1", "origin": "beijing", "version": 1, "value": "完整介绍"],
                ["id": "chongqing:c1", "origin": "chongqing", "version": 2, "value": nil],
                ["id": "sichuan:a1", "origin": "sichuan", "version": 3, "value": nil],
            ],
        ])
        #expect(conflicts[1]["values"]?.arrayValue?.map { $0["value"] } == ["signing", "publication", "publication"])
        #expect(conflicts[3]["values"]?.arrayValue?.map { $0["value"] } == [.null, "2026-09", "2026-09"])
        // Node fields, links, keywords and sessions differ by nature and are never conflicts.
        let fields = Set(conflicts.compactMap { $0["field"]?.stringValue })
        #expect(fields.isDisjoint(with: ["id", "origin", "version", "created_at", "updated_at", "same_as", "keywords"]))
        // The steward's extension field stays in the record; the record takes the highest stage.
        #expect(entry.json["record"]?["x_batch"] == "2026-09")
        #expect(entry.json["record"]?["stage"] == "signing")
    }

    @Test func conflictsCompareNestedValues() throws {
        var a = Fixture.project("sichuan:a1")
        var b = Fixture.project("beijing:b1")
        a.contact = Contact(name: "张三丰", phone: "13812345678")
        b.contact = Contact(name: "张三", phone: "13812345678")
        b.details = .supply(Supply(trl: 7, cooperation: [.transfer]))
        let conflicts = try #require(Merge.unify([a, b]).json["conflicts"]?.arrayValue)
        #expect(conflicts.map { $0["field"] } == ["contact", "trl"])
        // Contacts are compared and shown masked, as the public sees them.
        #expect(conflicts[0]["values"]?[0]?["value"]?["name"] == "张*")
        #expect(conflicts[0]["values"]?[1]?["value"]?["name"] == "张**")
    }

    @Test func agreeingMembersHaveNoConflicts() {
        let a = Fixture.project("sichuan:a1", keywords: ["甲"], version: 4)
        let b = Fixture.project("beijing:b1", keywords: ["乙"], sameAs: ["sichuan:a1"], version: 1,
            createdAt: "2027-01-01T00:00:00Z")
        #expect(Merge.unify([a, b]).json["conflicts"] == [])
    }

    @Test func singletonIsAnEntryWithoutConflicts() throws {
        var project = Fixture.project("sichuan:a1", keywords: ["ORC", "orc", "雷达"])
        project.contact = Contact(name: "张三丰", phone: "13812345678", visibility: .masked)
        let entry = Merge.unify([project])
        #expect(entry.clusterID == "sichuan:a1")
        #expect(entry.steward == project.id)
        #expect(entry.members == [project.id])
        #expect(entry.json["conflicts"] == [])
        var expected = try #require(project.jsonValue(nodeFields: true, maskContact: true).objectValue)
        expected["keywords"] = ["ORC", "雷达"]
        #expect(entry.json["record"] == .object(expected))
        #expect(entry.json["record"]?["contact"]?["phone"] == "138****5678")
    }

    @Test func bytesAreTheCanonicalJSON() throws {
        let entry = Merge.unify([
            Fixture.project("sichuan:a1", summary: "甲"), Fixture.project("beijing:b1", summary: "乙"),
        ])
        #expect(entry.bytes == (try JCS.canonicalize(entry.json)))
        #expect(JCS.isCanonical(entry.bytes))
        let object = try #require(entry.json.objectValue)
        #expect(Set(object.keys) == ["cluster", "steward", "members", "record", "conflicts"])
        #expect(Merge.canonicalLines([entry]) == [entry.bytes + [0x0A]])
    }

    @Test func canonicalLinesAreSortedByClusterID() {
        let entries = [Fixture.project("sichuan:a1"), Fixture.project("beijing:b1", title: "乙")].map {
            Merge.unify([$0])
        }
        #expect(Merge.canonicalLines(entries) == [entries[1].bytes + [0x0A], entries[0].bytes + [0x0A]])
    }
}
