import Catalog
import Foundation
import JSON
import TestSupport
import Testing

/// `kechuang.deal/1` bodies (protocols/deals.md §1): the examples of `protocols/examples/deals`
/// against the reference reader (`Deal`) and against `protocols/schema/deal.schema.json`.
struct DealSchemaTests {
    static func names(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Repository.example("deals/\(folder)"))) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func value(_ path: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: Repository.example(path)))))
    }

    @Test func theExamplesAreThere() {
        #expect(Self.names("valid").count >= 2 && Self.names("invalid").count >= 6)
    }

    @Test(arguments: names("valid"))
    func aValidDealIsReadAndWrittenBackAsIs(name: String) throws {
        let value = try Self.value("deals/valid/\(name)")
        let deal = try Deal(value)
        // Written back, it is the same object, with the lists a writer always writes.
        var expected = try #require(value.objectValue)
        for list in ["finance", "events", "same_as"] where expected[list] == nil { expected[list] = [] }
        #expect(try JCS.canonicalize(.object(deal.object)) == JCS.canonicalize(.object(expected)))
    }

    @Test(arguments: names("invalid"))
    func anInvalidDealIsRefused(name: String) throws {
        #expect(throws: DealError.self, "deals/invalid/\(name)") { try Deal(try Self.value("deals/invalid/\(name)")) }
    }

    /// The JSON Schema agrees with the reader on every example (Python `jsonschema`, as
    /// `make test` installs it).
    @Test func theSchemaAgreesWithTheReader() throws {
        let files = Self.names("valid").map { Repository.example("deals/valid/\($0)") } + Self.names("invalid").map { Repository.example("deals/invalid/\($0)") }
        let verdicts = try SchemaVerdicts.of(files, schema: "deal.schema.json")
        #expect(verdicts.count == files.count)
        for verdict in verdicts {
            #expect(verdict.last == (verdict.first?.hasPrefix("deals/valid/") == true ? "ok" : "refused"), "\(verdict)")
        }
    }
}
