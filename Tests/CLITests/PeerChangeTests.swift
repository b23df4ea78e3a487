import Foundation
import JSON
import TestSupport
import Testing

/// The HTTP status `node`'s server answers for `path`.
private func status(_ node: FederationNode, _ path: String) throws -> String {
    let result = try ProcessRunner.run(
        "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20", node.base + path], timeout: 60)
    #expect(result.status == 0, "GET \(path): \(result.stderr)")
    return result.stdout
}

/// Changes made by another process (trust, peers) take effect for a running `serve` and for the
/// next sync, and `peer add` refuses URLs no sync could use.
@Suite struct PeerChangeTests {
    /// A running server cached an origin's pages; another process removes the origin, then trusts
    /// a new origin of the same name (a node set up again, with a new key) and syncs it: the server
    /// answers 404 in between, then the new origin's pages, never the cached ones.
    @Test(.timeLimit(.minutes(5)))
    func aRunningServeNeverServesPagesOfAnOriginRemovedOrReplacedByAnotherProcess() throws {
        let chongqing = try FederationNode("chongqing")
        defer { chongqing.stop() }
        try chongqing.serve()
        let sichuan = try FederationNode("sichuan", sample: false)
        defer { sichuan.stop() }
        try sichuan.peer(chongqing)
        _ = try sichuan.sync()
        try sichuan.serve()

        let size = try chongqing.logSize()
        try #require(size < 256, "a partial page, served from one path")
        let paths = ["/feeds/chongqing/pages/0.p\(size).jsonl", "/feeds/chongqing/page-roots/\(size).json"]
        let first = try paths.map { try sichuan.get($0) }
        #expect(first == (try paths.map { try chongqing.get($0) }), "the relay serves the origin's files")
        #expect(try paths.map { try sichuan.get($0) } == first, "and again, now from its cache")

        let removed = try sichuan.cli.run("trust", "remove", "chongqing")
        #expect(removed.status == 0, "\(removed.stderr)")
        for path in paths {
            #expect(try status(sichuan, path) == "404", "\(path) of a removed origin")
        }

        chongqing.stop()
        let replaced = try FederationNode("chongqing")
        defer { replaced.stop() }
        try replaced.serve()
        try #require(try replaced.logSize() == size, "the same paths name the new origin's files")
        let readded = try sichuan.cli.run("peer", "add", "chongqing", replaced.base, "--root-key", replaced.root)
        #expect(readded.status == 0, "\(readded.stderr)")
        _ = try sichuan.sync()
        let now = try paths.map { try sichuan.get($0) }
        #expect(now == (try paths.map { try replaced.get($0) }), "the relay serves the new origin's files")
        #expect(now != first)
    }

    /// A peer whose circuit breaker is open gets a new URL: the breaker is closed at once, so the
    /// next periodic sync tries the new URL.
    @Test func peerAddWithANewURLClosesTheCircuitBreaker() throws {
        let beijing = try CLI()
        try beijing.initNode("beijing")
        let key = try #require(try beijing.json("keys", "show", "--json")["root"]?["key"]?.stringValue)
        let forbidden = try TestServer(Behaviour.fixed(status: 403, reason: "Forbidden"))
        defer { forbidden.stop() }
        let cli = try CLI()
        try cli.initNode()
        #expect(try cli.run("peer", "add", "beijing", forbidden.baseURL, "--root-key", key).status == 0)
        for _ in 0..<3 { #expect(try cli.run("sync").status == 1) }
        let open = try cli.json("peer", "status", "--json")["peers"]?[0]
        #expect(open?["failures"]?.intValue == 3)
        #expect(open?["retry_after"]?.stringValue != nil, "the breaker is open: \(String(describing: open))")
        let skipped = try JSONParser.parse(Array(try cli.run("sync", "--json").stdout.utf8))
        #expect(skipped["peers"]?[0]?["skipped"] == true, "periodic syncs leave the peer alone: \(skipped)")

        let moved = try TestServer(Behaviour.fixed(status: 403, reason: "Forbidden"))
        defer { moved.stop() }
        let readded = try cli.run("peer", "add", "beijing", moved.baseURL, "--root-key", key)
        #expect(readded.status == 0, "\(readded.stderr)")
        let closed = try cli.json("peer", "status", "--json")["peers"]?[0]
        #expect(closed?["failures"]?.intValue == 0, "\(String(describing: closed))")
        #expect(closed?["retry_after"] == .null)
        #expect(closed?["url"]?.stringValue == moved.baseURL)
        let tried = try JSONParser.parse(Array(try cli.run("sync", "--json").stdout.utf8))
        #expect(tried["peers"]?[0]?["skipped"] == false, "\(tried)")
        #expect(!moved.requests.isEmpty, "the new URL was asked")
    }

    @Test func peerAddRefusesAPortOutOfRangeAndAURLWithSpaces() throws {
        let beijing = try CLI()
        try beijing.initNode("beijing")
        let key = try #require(try beijing.json("keys", "show", "--json")["root"]?["key"]?.stringValue)
        let cli = try CLI()
        try cli.initNode()
        let cases: [(arguments: [String], problem: String)] = [
            (["http://127.0.0.1:70000"], "port"),
            (["http://127.0.0.1:0"], "port"),
            (["http://127.0.0.1:99999999999999999999"], "port"),
            (["http://example.org/a b"], "space"),
            (["http://exa mple.org"], "space"),
            (["http://example.org\t"], "space"),
            (["http://example.org", "--mirror", "http://mirror.example.org/a b"], "space"),
            (["http://example.org", "--mirror", "https://mirror.example.org:65536"], "port"),
        ]
        for (arguments, problem) in cases {
            let result = try cli.run(["peer", "add", "beijing"] + arguments + ["--root-key", key])
            #expect(result.status == 2, "\(arguments): \(result.stdout)")
            #expect(result.stderr.contains(problem), "\(arguments): \(result.stderr)")
        }
        let list = try cli.json("peer", "list", "--json")
        #expect(list["peers"]?.arrayValue?.isEmpty == true, "nothing was added: \(list)")
        #expect(list["trusted_origins"]?.arrayValue?.isEmpty == true, "nor pinned: \(list)")
    }
}
