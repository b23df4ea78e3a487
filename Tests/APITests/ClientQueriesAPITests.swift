@testable import API
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

    @Test(.timeLimit(.minutes(10)))
    func aClientOverItsLimitIsAnswered429WhileAnotherIsServed() async throws {
        let node = try await ServedNode(records: 20, maxQueriesPerClient: 1, trustedProxies: ["127.0.0.1"])
        defer { node.stop() }
        // A query answered gives its slot back: one after another, each is served.
        for _ in 0..<3 { #expect(try Self.get(node, "/v1/search?q=x", from: "127.0.0.1").status == 200) }
        // 127.0.0.1's one slot held, as a query in progress holds it (without timing anything).
        #expect(node.handler.queries.enter("127.0.0.1"))

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
        #expect(node.handler.queries.enter("203.0.113.9"))
        let proxied = try Self.get(node, "/v1/search?q=x", from: "127.0.0.1", headers: "X-Forwarded-For: 203.0.113.9\r\n")
        #expect(proxied.status == 429, "the proxy's client is counted: \(proxied.text)")
        node.handler.queries.leave("203.0.113.9")
        // X-Forwarded-For from an address that is not a trusted proxy names nobody.
        let spoofed = try Self.get(node, "/v1/search?q=x", from: "127.0.0.3", headers: "X-Forwarded-For: 127.0.0.1\r\n")
        #expect(spoofed.status == 200)

        node.handler.queries.leave("127.0.0.1")
        #expect(try Self.get(node, "/v1/search?q=x", from: "127.0.0.1").status == 200)
    }

    /// A query in progress holds its client's slot for as long as it runs: a federated search
    /// whose one peer has not answered yet. (Bounded by the search's 5 s deadline: on a machine
    /// too loaded to send one request within it the check is skipped, not failed.)
    @Test(.timeLimit(.minutes(10)))
    func aQueryInProgressHoldsItsClientsSlot() async throws {
        let release = DispatchSemaphore(value: 0)
        let peer = try TestServer { _, _ in
            _ = release.wait(timeout: .now() + 30)
            return false  // closed without an answer: the peer failed, the search ends
        }
        defer { peer.stop() }
        let node = try await ServedNode(records: 20, maxQueriesPerClient: 1)
        defer { node.stop() }
        try await node.store.addPeer(Peer(id: "beijing", url: peer.baseURL, mirrors: [], addedAt: "2026-01-01T00:00:00Z"))
        let started = Date()  // the deadline runs from before this
        let held = Task { try Self.get(node, "/v1/search?q=x&scope=federation&deadline_ms=5000", from: "127.0.0.1") }
        var arrivals = peer.arrivals.makeAsyncIterator()
        _ = await arrivals.next()  // the federated search is in progress
        let refused = try Self.get(node, "/v1/search?q=x", from: "127.0.0.1")
        if Date().timeIntervalSince(started) < 4.5 {
            #expect(refused.status == 429, "\(refused.text)")
        }
        release.signal()
        #expect(try await held.value.status == 200, "the federated search answers with its peer failed")
        #expect(try Self.get(node, "/v1/search?q=x", from: "127.0.0.1").status == 200, "its slot is given back")
    }

    /// A proof asked again with a parameter that changes nothing of it (`&x=RAND`) is the same
    /// cached file: junk parameters on these uncounted routes cannot churn the feed cache (they
    /// did, each one a new entry; second security probe).
    @Test func junkParametersDoNotFillTheFeedCache() async throws {
        let node = try await ServedNode(records: 20)
        defer { node.stop() }
        let first = try await node.get("/feeds/sichuan/proof/inclusion?seq=1&size=20")
        #expect(first.status == 200, "\(String(decoding: first.body, as: UTF8.self))")
        let held = node.handler.cache.count
        for index in 0..<20 {
            let again = try await node.get("/feeds/sichuan/proof/inclusion?size=20&seq=1&x=\(index)")
            #expect(again.status == 200 && again.body == first.body)
        }
        #expect(node.handler.cache.count == held, "\(node.handler.cache.count) files held, \(held) before")
    }
}
