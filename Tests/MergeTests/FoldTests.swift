import Catalog
import JSON
import Merge
import Testing

/// `Merge.fold`: one origin's log, entry by entry.
@Suite struct FoldTests {
    static let record = Fixture.project("sichuan:ach-0001", version: 1)

    @Test func putMakesTheRecordCurrent() {
        let decision = Merge.fold(Fixture.put(0, Self.record), origin: "sichuan", lastVersion: nil)
        #expect(decision == .put(Self.record))
    }

    @Test func foreignIDIsIgnoredWithAReason() {
        let foreign = Fixture.project("beijing:ach-0001")
        for entry in [
            Fixture.put(0, foreign), FoldInput(seq: 1, op: .delete, id: "beijing:ach-0001", version: 2),
            FoldInput(seq: 2, op: .delete, id: "sichuanx:ach-0001", version: 2),
        ] {
            guard case .ignore(let reason) = Merge.fold(entry, origin: "sichuan", lastVersion: nil) else {
                Issue.record("\(entry.id) was not ignored")
                continue
            }
            #expect(reason.contains("does not belong to origin sichuan"))
        }
    }

    @Test func malformedIDIsIgnored() {
        let entry = FoldInput(seq: 0, op: .delete, id: "sichuan:~keys", version: 1)
        guard case .ignore(let reason) = Merge.fold(entry, origin: "sichuan", lastVersion: nil) else {
            Issue.record("a delete of sichuan:~keys was not ignored")
            return
        }
        #expect(reason.contains("not a well-formed record id"))
    }

    @Test(arguments: [FoldInput.Operation.put, .delete, .redact], [3, 4])
    func versionNotAboveTheLastAcceptedIsIgnored(op: FoldInput.Operation, lastVersion: Int) {
        let project = Fixture.project("sichuan:ach-0001", version: 4)
        let entry = FoldInput(
            seq: 7, op: op, id: project.id.description, version: 3, body: op == .put ? Fixture.body(project) : nil)
        guard case .ignore(let reason) = Merge.fold(entry, origin: "sichuan", lastVersion: lastVersion) else {
            Issue.record("version 3 after \(lastVersion) was not ignored")
            return
        }
        #expect(reason.contains("not greater than \(lastVersion)"))
    }

    @Test func deleteAndRedactRemove() {
        for op in [FoldInput.Operation.delete, .redact] {
            let entry = FoldInput(seq: 1, op: op, id: "sichuan:ach-0001", version: 2)
            #expect(Merge.fold(entry, origin: "sichuan", lastVersion: 1) == .remove)
        }
    }

    @Test func putDeletePutRecreatesAfterTheTombstone() {
        let second = Fixture.project("sichuan:ach-0001", title: "光电编码器（第二代）", version: 3)
        let stale = Fixture.project("sichuan:ach-0001", title: "旧副本", version: 2)
        let log = FoldedLog(origin: "sichuan", entries: [
            Fixture.put(0, Self.record),
            FoldInput(seq: 1, op: .delete, id: "sichuan:ach-0001", version: 2),
            Fixture.put(2, stale),  // an old copy must not come back after the tombstone
            Fixture.put(3, second),
        ])
        #expect(log.records == [second.id: second])
        #expect(log.lastVersions == ["sichuan:ach-0001": 3])
        #expect(log.ignored.map(\.seq) == [2])
    }

    @Test func deleteLeavesTheRecordAbsent() {
        let log = FoldedLog(origin: "sichuan", entries: [
            Fixture.put(0, Self.record), FoldInput(seq: 1, op: .delete, id: "sichuan:ach-0001", version: 2),
        ])
        #expect(log.records.isEmpty)
        #expect(log.ignored.isEmpty)
    }

    @Test func erasedPutRemovesInsteadOfBeingIgnored() {
        let erased = FoldInput(seq: 0, op: .put, id: "sichuan:ach-0001", version: 1, body: nil)
        #expect(Merge.fold(erased, origin: "sichuan", lastVersion: nil) == .remove)
        // A redacted log: put (erased), redact, put of the record without its personal data.
        let republished = Fixture.project("sichuan:ach-0001", version: 3)
        let log = FoldedLog(origin: "sichuan", entries: [
            erased, FoldInput(seq: 1, op: .redact, id: "sichuan:ach-0001", version: 2), Fixture.put(2, republished),
        ])
        #expect(log.records == [republished.id: republished])
        #expect(log.ignored.isEmpty)
    }

    @Test func keyEntriesAreSkippedNotReported() {
        let key = FoldInput(seq: 0, op: .key, id: "sichuan:~keys", version: 1, body: Array("{}".utf8))
        #expect(Merge.fold(key, origin: "sichuan", lastVersion: nil) == .skip)
        let log = FoldedLog(origin: "sichuan", entries: [key, Fixture.put(1, Self.record)])
        #expect(log.ignored.isEmpty)
        #expect(log.lastVersions == ["sichuan:ach-0001": 1])
    }

    @Test func invalidBodiesAreIgnored() throws {
        var missingTitle = try #require(Self.record.jsonValue(nodeFields: true).objectValue)
        missingTitle["title"] = nil
        var otherVersion = Self.record
        otherVersion.version = 2
        let bodies: [(String, [UInt8])] = [
            ("not JSON", Array("{\"id\":".utf8)),
            ("not in canonical form", Array(" ".utf8) + Fixture.body(Self.record)),
            ("not a valid record", try JCS.canonicalize(.object(missingTitle))),
            ("has version 2", Fixture.body(otherVersion)),
            ("has id sichuan:ach-0002", Fixture.body(Fixture.project("sichuan:ach-0002"))),
            ("not a valid record", try JCS.canonicalize(Fixture.project("sichuan:ach-0001", version: 1)
                .jsonValue(nodeFields: false))),
        ]
        for (expected, body) in bodies {
            let entry = FoldInput(seq: 5, op: .put, id: "sichuan:ach-0001", version: 1, body: body)
            guard case .ignore(let reason) = Merge.fold(entry, origin: "sichuan", lastVersion: nil) else {
                Issue.record("a body that is \(expected) was not ignored")
                continue
            }
            #expect(reason.contains(expected), "\(reason)")
        }
    }

    @Test func ignoredEntriesDoNotMoveTheVersion() {
        let log = FoldedLog(origin: "sichuan", entries: [
            Fixture.put(0, Fixture.project("sichuan:ach-0001", version: 2)),
            FoldInput(seq: 1, op: .put, id: "sichuan:ach-0001", version: 5, body: Array("[]".utf8)),
            Fixture.put(2, Fixture.project("sichuan:ach-0001", title: "新标题", version: 3)),
        ])
        #expect(log.records.values.map(\.title) == ["新标题"])
        #expect(log.lastVersions == ["sichuan:ach-0001": 3])
        #expect(log.ignored.map(\.seq) == [1])
    }

    /// Typed objects (merge.md §2): a deal with a valid body is accepted (no project changes); a
    /// well-formed id of an unknown type is skipped without a report and records no version; a
    /// malformed id, another origin's, or a deal whose body breaks the schema is ignored.
    @Test func typedObjectsAreFoldedSkippedOrIgnored() throws {
        let deal = Deal(
            id: try #require(TypedObjectID("sichuan:~deal.d-1")), demand: try #require(RecordID("chongqing:c1")),
            supply: try #require(RecordID("sichuan:ach-0001")), createdAt: "2026-12-04T09:00:00Z", updatedAt: "2026-12-04T09:00:00Z")
        let body = try JCS.canonicalize(.object(deal.object))
        let log = FoldedLog(origin: "sichuan", entries: [
            FoldInput(seq: 0, op: .put, id: "sichuan:~deal.d-1", version: 1, body: body),
            FoldInput(seq: 1, op: .delete, id: "sichuan:~widget.w1", version: 1),
            FoldInput(seq: 2, op: .put, id: "sichuan:~Deal.d-1", version: 1, body: Array("{}".utf8)),
            FoldInput(seq: 3, op: .put, id: "sichuan:~deal.", version: 1, body: Array("{}".utf8)),
            FoldInput(seq: 4, op: .put, id: "beijing:~deal.d-1", version: 1, body: Array("{}".utf8)),
            FoldInput(seq: 5, op: .put, id: "sichuan:~deal.d-2", version: 1, body: Array(#"{"id":"sichuan:~deal.d-2"}"#.utf8)),
            FoldInput(seq: 6, op: .put, id: "sichuan:~deal.d-1", version: 1, body: body),
            Fixture.put(7, Fixture.project("sichuan:ach-0001", version: 1)),
        ])
        #expect(log.ignored.map(\.seq) == [2, 3, 4, 5, 6])
        #expect(log.objects.keys.map(\.description) == ["sichuan:~deal.d-1"])
        #expect(log.records.keys.map(\.description) == ["sichuan:ach-0001"])
        #expect(log.lastVersions == ["sichuan:~deal.d-1": 1, "sichuan:ach-0001": 1])
    }
}
