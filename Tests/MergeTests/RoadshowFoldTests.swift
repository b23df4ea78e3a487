import Catalog
import Foundation
import JSON
import Merge
import TestSupport
import Testing

/// `Merge.fold` on roadshow entries (protocols/roadshows.md §1, "Merge"): a valid body is kept as
/// the origin's object, one that breaks the schema is ignored and reported, every node alike.
@Suite struct RoadshowFoldTests {
    static func body(_ path: String, _ edit: (inout [String: JSONValue]) -> Void = { _ in }) throws -> [UInt8] {
        var object = try #require(JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Repository.example(path))))).objectValue)
        edit(&object)
        return try JCS.canonicalize(.object(object))
    }

    @Test func aValidRoadshowIsTheOriginsObject() throws {
        let body = try Self.body("roadshows/valid/full.json")
        let entry = FoldInput(seq: 4, op: .put, id: "sichuan:~roadshow.tianfu-2024", version: 2, body: body)
        let id = try #require(TypedObjectID("sichuan:~roadshow.tianfu-2024"))
        #expect(Merge.fold(entry, origin: "sichuan", lastVersion: 1) == .object(id, body: body))
    }

    @Test(arguments: [
        ("roadshows/invalid-rules/slot-before-start.json", "sessions[0].slots[0].time"),
        ("roadshows/invalid/status-unknown.json", "status"),
    ])
    func aRoadshowThatBreaksTheSchemaIsIgnoredWithItsField(path: String, field: String) throws {
        let entry = FoldInput(seq: 4, op: .put, id: "sichuan:~roadshow.tianfu-2024", version: 2, body: try Self.body(path))
        guard case .ignore(let reason) = Merge.fold(entry, origin: "sichuan", lastVersion: 1) else {
            Issue.record("\(path) was not ignored")
            return
        }
        #expect(reason.contains("is not a valid roadshow: \(field):"), "\(reason)")
    }

    @Test func aBodyNamingAnotherVersionIsIgnored() throws {
        let entry = FoldInput(seq: 4, op: .put, id: "sichuan:~roadshow.tianfu-2024", version: 3, body: try Self.body("roadshows/valid/full.json"))
        guard case .ignore(let reason) = Merge.fold(entry, origin: "sichuan", lastVersion: 1) else {
            Issue.record("version 3 naming version 2 was not ignored")
            return
        }
        #expect(reason.contains("names sichuan:~roadshow.tianfu-2024 at version 2"), "\(reason)")
    }
}
