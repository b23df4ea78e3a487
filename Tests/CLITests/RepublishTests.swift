import Foundation
import JSON
import TestSupport
import Testing

/// A re-import does not bring back the contact or service agent a redaction erased, unless the
/// operator says so (`import --republish`).
@Suite struct RepublishTests {
    @Test func aReimportDoesNotBringBackAnErasedContactUnlessAskedTo() throws {
        let cli = try CLI()
        try cli.initNode()
        let original = try cli.data.write("original.json", RecordFixture.jsonArray([RedactionTests.personal("p1"), RedactionTests.personal("p2", title: "另一项成果")]))
        #expect(try cli.run("import", original).status == 0)
        #expect(try cli.run("redact", "p1").status == 0)
        let redacted = try cli.json("show", "p1")
        #expect(redacted["contact"] == nil && redacted["service_agent"] == nil)
        let version = try #require(redacted["version"]?.intValue)
        let total = try #require(try cli.json("stats", "--json")["total"]?.intValue)

        // The original file again, with a new record: refused as a whole, the contact's line named.
        let again = try cli.data.write("again.json", RecordFixture.jsonArray([
            RedactionTests.personal("p1"), RedactionTests.personal("p2", title: "另一项成果"), RecordFixture.supply("new", title: "新成果"),
        ]))
        let refused = try cli.run("import", again)
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("\(again):2: contact: "), "\(refused.stderr)")
        #expect(refused.stderr.contains("--republish"), "the message says how to publish it again: \(refused.stderr)")
        #expect(refused.stderr.contains("nothing was imported"))
        #expect(try cli.json("show", "p1")["version"]?.intValue == version, "nothing changed")
        #expect(try cli.run("show", "new").status != 0, "atomic: the new record was not imported either")
        #expect(try cli.json("stats", "--json")["total"]?.intValue == total)

        // A service agent alone is refused as well.
        var agentOnly = RedactionTests.personal("p1")
        if case .object(var object) = agentOnly {
            object["contact"] = nil
            agentOnly = .object(object)
        }
        let agentFile = try cli.data.write("agent.json", RecordFixture.jsonArray([agentOnly]))
        let agentRefused = try cli.run("import", agentFile)
        #expect(agentRefused.status == 2)
        #expect(agentRefused.stderr.contains("\(agentFile):2: service_agent: "), "\(agentRefused.stderr)")

        // A routine re-import without the personal fields passes.
        let routine = try cli.data.write("routine.json", RecordFixture.jsonArray([
            RecordFixture.supply("p1", title: "需要擦除联系人的成果"), RecordFixture.supply("new", title: "新成果"),
        ]))
        let passed = try cli.run("import", routine)
        #expect(passed.status == 0, "\(passed.stderr)")

        // The operator says so: the contact is published again, and from then on is a routine field.
        let republished = try cli.run("import", again, "--republish")
        #expect(republished.status == 0, "\(republished.stderr)")
        #expect(try cli.json("show", "p1")["contact"]?["email"]?.stringValue == RedactionTests.email)
        #expect(try cli.run("import", again).status == 0, "a published contact is no longer an erased one")
        #expect(try cli.run("import", "--help").stdout.contains("--republish"))
    }
}
