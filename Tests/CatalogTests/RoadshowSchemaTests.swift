import Catalog
import Foundation
import JSON
import TestSupport
import Testing

/// `kechuang.roadshow/1` bodies (protocols/roadshows.md §1): the examples of
/// `protocols/examples/roadshows` against the reference reader (`Roadshow`) and the JSON Schema.
struct RoadshowSchemaTests {
    static func names(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Repository.example("roadshows/\(folder)"))) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func value(_ path: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Repository.example(path)))))
    }

    @Test func theExamplesAreThere() {
        #expect(Self.names("valid").count >= 2 && Self.names("invalid").count >= 8 && Self.names("invalid-rules").count >= 8)
    }

    @Test(arguments: names("valid"))
    func aValidRoadshowIsReadAndWrittenBackAsIs(name: String) throws {
        let value = try Self.value("roadshows/valid/\(name)")
        let roadshow = try Roadshow(value)
        #expect(try JCS.canonicalize(.object(roadshow.object)) == JCS.canonicalize(value))
    }

    @Test(arguments: names("invalid") + names("invalid-rules").map { "rules/" + $0 })
    func anInvalidRoadshowIsRefused(name: String) throws {
        let path = name.hasPrefix("rules/") ? "roadshows/invalid-rules/\(name.dropFirst(6))" : "roadshows/invalid/\(name)"
        #expect(throws: RoadshowError.self, "\(path)") { try Roadshow(try Self.value(path)) }
    }

    /// The reader names the member at fault by its path, for the rules a schema cannot state.
    @Test(arguments: [
        ("start-not-on-date", "sessions[0].start"), ("slot-before-start", "sessions[0].slots[0].time"),
        ("slot-after-day", "sessions[1].slots[0].time"), ("slots-out-of-order", "sessions[0].slots[1].time"),
        ("project-twice", "sessions[1].slots[0].project"), ("session-of-other-event", "sessions[0].id"), ("session-twice", "sessions[1].id"),
        ("date-not-a-day", "sessions[0].date"),
    ])
    func aRuleIsReportedAtItsMember(name: String, field: String) throws {
        let value = try Self.value("roadshows/invalid-rules/\(name).json")
        do throws(RoadshowError) {
            _ = try Roadshow(value)
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.field == field, "\(name): \(error)")
        }
    }

    @Test func beijingTimeIsUTCPlusEight() {
        #expect(Roadshow.beijing("2024-11-20T01:00:00Z")! == ("2024-11-20", "09:00"))
        #expect(Roadshow.beijing("2024-11-20T16:30:00Z")! == ("2024-11-21", "00:30"), "past midnight in Beijing is the next day")
        #expect(Roadshow.utc(beijingDate: "2024-11-21", time: "07:30") == "2024-11-20T23:30:00Z")
        #expect(Roadshow.utc(beijingDate: "2024-11-21", time: "24:00") == nil && Roadshow.utc(beijingDate: "2024-11-31", time: "09:00") == nil)
        #expect(Roadshow.beijing("2024-11-20 09:00") == nil)
    }

    /// The JSON Schema agrees with the reader on every example it can state (Python `jsonschema`,
    /// as `make test` installs it); the rules of `invalid-rules` are beyond a schema, which accepts them.
    @Test func theSchemaAgreesWithTheReader() throws {
        let files = ["valid", "invalid", "invalid-rules"].flatMap { folder in Self.names(folder).map { Repository.example("roadshows/\(folder)/\($0)") } }
        let verdicts = try SchemaVerdicts.of(files, schema: "roadshow.schema.json")
        #expect(verdicts.count == files.count)
        for verdict in verdicts {
            #expect(verdict.last == (verdict.first?.hasPrefix("roadshows/invalid/") == true ? "refused" : "ok"), "\(verdict)")
        }
    }
}
