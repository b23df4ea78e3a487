import API
import Catalog
import Feed
import Foundation
import HTTPClient
import JSON
import Store
import TestSupport
import Testing

/// What this node writes into its log about deals and roadshows: the rules for personal data and
/// for control characters that apply to projects apply to them too.
@Suite struct DealTextAPITests {
    /// A node with the challenge `ch1` and the supplies `r0`, `r1`, `r2`, ready for deals.
    private func node() async throws -> ServedNode {
        let node = try await ServedNode(records: 3)
        let challenge = RecordFixture.challenge("ch1", title: "车载毫米波感知方案征集", industry: "electronics")
        #expect((200...201).contains(try await node.admin("PUT", "/v1/projects/ch1", JSONWriter.string(challenge, pretty: false)).status))
        try await node.store.refreshUnified()
        return node
    }

    /// The body lines of the node's published log (its first page, which these tests never fill).
    private func bodyLines(_ node: ServedNode) async throws -> [String] {
        let size = try Checkpoint(bytes: try await node.get("/feeds/sichuan/checkpoint.json").body).size
        let bodies = try await node.get("/feeds/sichuan/bodies/0.p\(size).jsonl")
        #expect(bodies.status == 200)
        return String(decoding: bodies.body, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// protocols/deals.md: the service agent's phone is handled as `contact.phone`, so the log
    /// (published forever) holds it masked, and every answer shows it masked.
    @Test func aDealsAgentPhoneIsWrittenAndServedMasked() async throws {
        let node = try await node()
        defer { node.stop() }
        let body = #"{"demand": "ch1", "supply": "r0", "service_agent": {"name": "张三", "organization": "四川省科协", "phone": "13900001111"}}"#
        let put = try await node.admin("PUT", "/v1/deals/d-x", body)
        #expect(put.status == 200, "\(String(decoding: put.body, as: UTF8.self))")
        #expect(try JSONParser.parse(put.body)["record"]?["service_agent"]?["phone"] == "139****1111")
        let shown = try JSONParser.parse(try await node.get("/v1/deals/d-x").body)
        #expect(shown["record"]?["service_agent"]?["phone"] == "139****1111")
        #expect(shown["record"]?["service_agent"]?["name"] == "张三", "the agent's name is public")
        let list = try JSONParser.parse(try await node.get("/v1/deals").body)
        #expect(list["deals"]?[0]?["record"]?["service_agent"]?["phone"] == "139****1111")
        let lines = try await bodyLines(node)
        let line = try #require(lines.first { $0.contains("sichuan:~deal.d-x") })
        #expect(line.contains(#""phone":"139****1111""#), "\(line)")
        #expect(!lines.joined().contains("13900001111"), "the full number is in no published body")

        // A deal as older software wrote it, with the full number (a peer's is read the same way):
        // its signed body stays as written, and it is served masked, in the record and in a conflict.
        _ = try await node.store.putObject([
            "id": "sichuan:~deal.d-9", "type": "kechuang.deal/1", "demand": "sichuan:ch1", "supply": "sichuan:r0", "stage": "matchmaking",
            "status": "open", "service_agent": ["name": "李四", "phone": "13822223333"], "same_as": ["sichuan:~deal.d-x"],
            "created_at": "2020-12-04T09:00:00Z", "updated_at": "2020-12-04T09:00:00Z",
        ])
        let merged = try await node.get("/v1/deals/d-x")
        let text = String(decoding: merged.body, as: UTF8.self)
        #expect(!text.contains("13822223333"), "\(text)")
        let entry = try JSONParser.parse(merged.body)
        #expect(entry["record"]?["service_agent"]?["phone"] == "138****3333", "the older member is the steward")
        #expect((entry["conflicts"]?.arrayValue ?? []).contains { $0["field"] == "service_agent" })
    }
}
