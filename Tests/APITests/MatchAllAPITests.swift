import API
import Foundation
import HTTPClient
import JSON
import SQLite
import Store
import TestSupport
import Testing

@Suite struct MatchAllAPITests {
    /// `GET /v1/matches?all=true` never holds a worker for the whole computation (minutes on a
    /// national catalog, so a few clients could take every worker): while the pairs of a catalog
    /// generation are being computed it answers 503 with `Retry-After`, other routes keep
    /// answering, and once the pairs are stored it answers them.
    @Test(.timeLimit(.minutes(10)))
    func allPairsAreComputedInTheBackgroundAndA503SaysWhenToAskAgain() async throws {
        let node = try await ServedNode(records: 20, matchAllWait: 0)
        defer { node.stop() }
        let challenge = RecordFixture.challenge("ch1", title: "车载毫米波感知方案征集", industry: "electronics")
        let put = try await node.admin("PUT", "/v1/projects/ch1", JSONWriter.string(challenge, pretty: false))
        #expect((200...201).contains(put.status), "\(String(decoding: put.body, as: UTF8.self))")
        try await node.store.refreshUnified()  // as `serve`'s tick does

        // Hold the database's write lock: the computation can read the catalog but cannot store
        // its pairs, so it is certainly still running while the requests below are answered. (Held
        // past the store's 5 s busy timeout on a loaded machine, the pairs are served from memory.)
        let lock = try Connection(path: node.directory.file("kechuang.db"))
        try lock.execute("BEGIN IMMEDIATE")
        let busy = try await node.get("/v1/matches?all=true")
        let search = try await node.get("/v1/search?q=%E6%AF%AB%E7%B1%B3%E6%B3%A2")
        try lock.execute("ROLLBACK")
        #expect(busy.status == 503, "\(String(decoding: busy.body, as: UTF8.self))")
        #expect(busy.headers["retry-after"] == "30")
        #expect(try JSONParser.parse(busy.body)["error"]?["status"]?.intValue == 503)
        #expect(search.status == 200, "another route answers meanwhile")

        // Released, the computation stores its pairs; polled (bounded), not slept on.
        var answer = busy
        let deadline = Date().addingTimeInterval(30)
        while answer.status == 503, Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            answer = try await node.get("/v1/matches?all=true")
        }
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        let pairs = try JSONParser.parse(answer.body)["pairs"]?.arrayValue ?? []
        #expect(pairs.contains { $0["a"]?["id"]?.stringValue == "sichuan:ch1" }, "\(String(decoding: answer.body, as: UTF8.self).prefix(600))")
        // Computed once: the next request is answered from memory at once.
        #expect(try await node.get("/v1/matches?all=true").body == answer.body)
    }

    /// `PUT /v1/deals/{id}` needs the admin token, writes only this node's deals, checks the
    /// parties, and answers the merged deal; `GET /v1/deals` pages them.
    @Test func dealsAreWrittenWithTheTokenAndRead() async throws {
        let node = try await ServedNode(records: 3)
        defer { node.stop() }
        let challenge = RecordFixture.challenge("ch1", title: "车载毫米波感知方案征集", industry: "electronics")
        #expect((200...201).contains(try await node.admin("PUT", "/v1/projects/ch1", JSONWriter.string(challenge, pretty: false)).status))
        try await node.store.refreshUnified()
        let body = #"{"demand": "ch1", "supply": "r0", "stage": "signing", "amount": "300000.00"}"#
        #expect(try await node.get("/v1/deals/d-1", method: "PUT", body: Array(body.utf8)).status == 401)
        #expect(try await node.admin("PUT", "/v1/deals/beijing:~deal.d-1", body).status == 400)
        #expect(try await node.admin("PUT", "/v1/deals/d-1", #"{"demand": "r0", "supply": "ch1"}"#).status == 400)
        #expect(try await node.admin("PUT", "/v1/deals/d-1", #"{"demand": "ch1", "supply": "r0", "version": 9}"#).status == 400)
        let put = try await node.admin("PUT", "/v1/deals/d-1", body)
        #expect(put.status == 200, "\(String(decoding: put.body, as: UTF8.self))")
        #expect(try JSONParser.parse(put.body)["record"]?["stage"] == "signing")
        let back = #"{"demand": "ch1", "supply": "r0", "stage": "matchmaking"}"#
        #expect(try await node.admin("PUT", "/v1/deals/d-1", back).status == 400, "a stage never goes back")
        let list = try JSONParser.parse(try await node.get("/v1/deals?limit=1").body)
        #expect(list["total"] == 1 && list["deals"]?[0]?["deal"] == "sichuan:~deal.d-1")
        #expect(try await node.get("/v1/deals?limit=0").status == 400)
        #expect(try await node.get("/v1/deals/sichuan:~deal.nope").status == 404)
        #expect(try await node.get("/v1/funnel?region=atlantis").status == 400)
        // A deal as a peer may sync it: naming a project this node does not hold. Kept, listed,
        // its party shown as unknown here.
        _ = try await node.store.putObject([
            "id": "sichuan:~deal.d-2", "type": "kechuang.deal/1", "demand": "sichuan:ch1", "supply": "beijing:not-here", "stage": "matchmaking",
            "status": "open", "created_at": "2026-12-04T09:00:00Z", "updated_at": "2026-12-04T09:00:00Z",
        ])
        let synced = try JSONParser.parse(try await node.get("/v1/deals/d-2").body)
        #expect(synced["unknown"] == ["beijing:not-here"])
    }
}
