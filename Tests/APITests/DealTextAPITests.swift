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

    /// The import rule for control characters (README, "Importing") holds for every deal write:
    /// `PUT /v1/deals/{id}`, and `deal create`/`advance`/`close` (DealService, which the CLI
    /// commands call); each refusal names the member. Ordinary Chinese text passes.
    @Test func aDealWriteRefusesControlCharactersNamingTheField() async throws {
        let node = try await node()
        defer { node.stop() }
        for (body, field) in [
            (#"{"demand": "ch1", "supply": "r0", "contract": "K\u009b2J\u202e"}"#, "contract: "),
            (#"{"demand": "ch1", "supply": "r0", "contract": "K\u202eJ"}"#, "contract: must not contain U+202E"),
            (#"{"demand": "ch1", "supply": "r0", "service_agent": {"name": "A\u001b]0;X\u0007"}}"#, "service_agent.name: "),
            (#"{"demand": "ch1", "supply": "r0", "service_agent": {"name": "王芳", "organization": "科协\u2028"}}"#, "service_agent.organization: "),
            (#"{"demand": "ch1", "supply": "r0", "events": [{"date": "2026-12-04", "stage": "matchmaking", "note": "\u001b[2J"}]}"#, "events[0].note: "),
        ] {
            let answer = try await node.admin("PUT", "/v1/deals/d-1", body)
            let text = String(decoding: answer.body, as: UTF8.self)
            #expect(answer.status == 400 && text.contains(field), "\(body): \(answer.status) \(text)")
        }
        #expect(try await node.get("/v1/deals/d-1").status == 404, "nothing was written")

        let reader = try CatalogReader(path: node.directory.file("kechuang.db"))
        var draft = DealService.Draft(demand: "ch1", supply: "r0")
        draft.agent = Deal.Agent(name: "A\u{1B}]0;X\u{07}", organization: "四川省科协")
        #expect(throws: APIError.self) { try DealService.create(draft, local: "d-2", store: node.store, reader: reader, now: Date()) }
        draft.agent = nil
        draft.contract = "K\u{9B}2J"
        #expect(throws: APIError.self) { try DealService.create(draft, local: "d-2", store: node.store, reader: reader, now: Date()) }

        // Ordinary Chinese text, with a multi-line note, is written.
        draft.contract = "川渝-2026-合同01"
        draft.agent = Deal.Agent(name: "王芳", organization: "四川省科协（成都）", phone: "028-8765 4321")
        let created = try DealService.create(draft, local: "d-2", store: node.store, reader: reader, now: Date())
        #expect(created.contract == "川渝-2026-合同01")
        do {
            _ = try DealService.advance("d-2", to: .signing, date: "2026-12-05", note: "签约\u{1B}[2J", store: node.store, reader: reader, now: Date())
            Issue.record("advance wrote a note with ESC")
        } catch let error as APIError {
            #expect(error.message.contains("events[1].note: contains a control character"), "\(error.message)")
        }
        _ = try DealService.advance("d-2", to: .signing, date: "2026-12-05", note: "现场签约。\n下一步：交易", store: node.store, reader: reader, now: Date())
        do {
            _ = try DealService.close("d-2", status: .closed, note: "完成\u{9B}", store: node.store, reader: reader, now: Date())
            Issue.record("close wrote a note with CSI")
        } catch let error as APIError {
            #expect(error.message.contains("events[2].note"), "\(error.message)")
        }
        #expect(try reader.deal(try DealService.dealID("d-2", node: "sichuan"))?.version == 2, "create and advance only")
    }

    /// The same rule for roadshows (`PUT /v1/roadshows/{id}`, `roadshow publish FILE`: both
    /// RoadshowService.publish): ESC, CSI and bidi controls in a session's name or place are refused
    /// with the member's path; an agenda of ordinary Chinese text is published.
    @Test func aRoadshowWriteRefusesControlCharactersNamingTheField() async throws {
        let node = try await node()
        defer { node.stop() }
        func draft(name: String = "电子信息专场", place: String = "主会场", why: String = "跨区域匹配。\n成熟度：TRL 7") -> String {
            let session: JSONValue = [
                "id": "expo-2026/a", "name": .string(name), "industries": ["electronics"], "date": "2026-12-10", "start": "2026-12-10T01:00:00Z",
                "place": .string(place), "slots": [["time": "2026-12-10T01:00:00Z", "project": "sichuan:r0", "expert": "李明 教授", "why": .string(why)]],
            ]
            return JSONWriter.string(["event": "expo-2026", "title": "京川渝科创项目路演", "sessions": [session]], pretty: false)
        }
        for (body, field, problem) in [
            (draft(name: "专场\u{1B}]0;X\u{07}"), "sessions[0].name", "control character"),
            (draft(name: "专场\u{9B}2J"), "sessions[0].name", "control character"),
            (draft(place: "abc\u{202E}gnp"), "sessions[0].place", "U+202E"),
            (draft(place: "主会场\u{2066}"), "sessions[0].place", "U+2066"),
            (draft(why: "理由\u{1B}[2J"), "sessions[0].slots[0].why", "control character"),
        ] {
            let answer = try await node.admin("PUT", "/v1/roadshows/expo-2026", body)
            let text = String(decoding: answer.body, as: UTF8.self)
            #expect(answer.status == 400 && text.contains(field) && text.contains(problem), "\(answer.status) \(text)")
        }
        let published = try await node.admin("PUT", "/v1/roadshows/expo-2026", draft())
        #expect(published.status == 200 || published.status == 201, "\(String(decoding: published.body, as: UTF8.self))")
    }
}
