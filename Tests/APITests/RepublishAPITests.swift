import API
import Catalog
import Foundation
import HTTPClient
import JSON
import Store
import TestSupport
import Testing

/// The admin API does not bring back a contact or service agent a redaction erased, unless asked
/// to (`?republish=true`).
@Suite struct RepublishAPITests {
    @Test func adminWritesRefuseAnErasedContactUnlessRepublishIsTrue() async throws {
        let node = try await ServedNode(records: 3)
        defer { node.stop() }
        let id = try #require(RecordID("sichuan:p1"))
        #expect(try await node.admin("PUT", "/v1/projects/p1", RedactionAPITests.personal("p1")).status == 201)
        _ = try await node.store.redact(id)

        let refused = try await node.admin("PUT", "/v1/projects/p1", RedactionAPITests.personal("p1"))
        #expect(refused.status == 400)
        let message = try JSONParser.parse(refused.body)["error"]?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("contact: ") && message.contains("republish=true"), "\(message)")
        #expect(try await node.admin("PUT", "/v1/projects/p1?republish=false", RedactionAPITests.personal("p1")).status == 400)
        let bad = try await node.admin("PUT", "/v1/projects/p1?republish=yes", RedactionAPITests.personal("p1"))
        #expect(bad.status == 400)
        #expect(try JSONParser.parse(bad.body)["error"]?["message"]?.stringValue?.contains("republish") == true)

        let array = "[\n" + RedactionAPITests.personal("p1") + "\n]"
        let importRefused = try await node.admin("POST", "/v1/projects/import", array)
        #expect(importRefused.status == 400)
        let issue = try JSONParser.parse(importRefused.body)["error"]?["issues"]?[0]
        #expect(issue?["field"] == "contact" && issue?["line"] == 2, "\(String(decoding: importRefused.body, as: UTF8.self))")
        #expect(try await node.get("/v1/projects/p1").status == 200)
        #expect(try JSONParser.parse(try await node.get("/v1/projects/p1").body)["contact"] == nil, "nothing changed")

        let imported = try await node.admin("POST", "/v1/projects/import?republish=true", array)
        #expect(imported.status == 200)
        #expect(try JSONParser.parse(imported.body)["updated"] == 1)
        #expect(try JSONParser.parse(try await node.get("/v1/projects/p1").body)["contact"]?["email"]?.stringValue == RedactionAPITests.email)

        _ = try await node.store.redact(id)
        #expect(try await node.admin("PUT", "/v1/projects/p1", RedactionAPITests.personal("p1")).status == 400)
        let put = try await node.admin("PUT", "/v1/projects/p1?republish=true", RedactionAPITests.personal("p1"))
        #expect(put.status == 200)
        #expect(try JSONParser.parse(put.body)["outcome"] == "updated")
    }
}
