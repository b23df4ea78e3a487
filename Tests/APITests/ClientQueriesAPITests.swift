import API
import Foundation
import HTTPClient
import HTTPServer
import Dispatch
import JSON
import Store
import TestSupport
import Testing

/// One client cannot hold every worker with queries (`serve --max-queries-per-client`): over its
/// limit it is answered 429 with `Retry-After` at once, while another client is answered as usual.
@Suite struct ClientQueriesAPITests {
    /// A raw GET from `source` (a loopback address), with extra header lines.
    static func get(_ node: ServedNode, _ target: String, from source: String, headers: String = "") throws -> RawResponse {
        let connection = try RawConnection(port: node.server.port, source: source)
        try connection.send("GET \(target) HTTP/1.1\r\nHost: test\r\n\(headers)Connection: close\r\n\r\n")
        return try connection.readResponse()
    }

    @Test(.timeLimit(.minutes(2)))
    func aClientOverItsLimitIsAnswered429WhileAnotherIsServed() async throws {
        // One query per client. The query held in progress: a federated search whose one peer
        // answers only when the test lets it (its deadline, 5 s, is the longest it can wait).
        let release = DispatchSemaphore(value: 0)
        let peer = try TestServer { _, _ in
            _ = release.wait(timeout: .now() + 30)
            return false  // closed without an answer: the peer failed, the search ends
        }
        defer { peer.stop() }
        let node = try await ServedNode(records: 20, maxQueriesPerClient: 1, trustedProxies: ["127.0.0.1"])
        defer { node.stop() }
        try await node.store.addPeer(Peer(id: "beijing", url: peer.baseURL, mirrors: [], addedAt: "2026-01-01T00:00:00Z"))
        let held = Task { try Self.get(node, "/v1/search?q=x&scope=federation&deadline_ms=5000", from: "127.0.0.1") }
        var arrivals = peer.arrivals.makeAsyncIterator()
        _ = await arrivals.next()  // the federated search is in progress: it holds the client's slot

        let refused = try Self.get(node, "/v1/search?q=x", from: "127.0.0.1")
        #expect(refused.status == 429, "\(refused.text)")
        #expect(refused.header("retry-after") == "1")
        #expect(try JSONParser.parse(refused.body)["error"]?["status"]?.intValue == 429)
        // A web page over the limit is a page, in Chinese.
        let page = try Self.get(node, "/", from: "127.0.0.1")
        #expect(page.status == 429 && page.text.contains("请求过多") && page.header("retry-after") == "1", "\(page.status)")
        // The feed and health are not queries: a peer syncing in parallel is never refused.
        #expect(try Self.get(node, "/healthz", from: "127.0.0.1").status == 200)
        #expect(try Self.get(node, "/feeds/sichuan/checkpoint.json", from: "127.0.0.1").status == 200)
        // Another client is served meanwhile.
        #expect(try Self.get(node, "/v1/search?q=x", from: "127.0.0.2").status == 200)
        // Behind the trusted proxy (127.0.0.1), the client is the one it names last.
        let forwarded = try Self.get(node, "/v1/search?q=x", from: "127.0.0.1", headers: "X-Forwarded-For: 198.51.100.7, 203.0.113.9\r\n")
        #expect(forwarded.status == 200, "\(forwarded.text)")
        // X-Forwarded-For from an address that is not a trusted proxy names nobody.
        let spoofed = try Self.get(node, "/v1/search?q=x", from: "127.0.0.3", headers: "X-Forwarded-For: 127.0.0.1\r\n")
        #expect(spoofed.status == 200)

        release.signal()
        #expect(try await held.value.status == 200, "the federated search answers with its peer failed")
        // The slot is given back once the held query is answered.
        #expect(try Self.get(node, "/v1/search?q=x", from: "127.0.0.1").status == 200)
    }
}
