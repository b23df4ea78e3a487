import Foundation
import JSON
import TestSupport
import Testing

/// Federated search (protocols/federation.md) with real processes on 127.0.0.1: `kechuang serve`
/// nodes, and test servers standing in for a slow peer, a peer that forges a record and a peer of
/// an earlier version that ignores `proofs=true`.
@Suite struct FederatedSearchTests {
    /// `GET /v1/search?…&scope=federation` on `node`, timed: the answer's status, JSON and seconds.
    static func federated(_ node: FederationNode, _ query: String) throws -> (status: Int, json: JSONValue, seconds: Double) {
        let start = ContinuousClock.now
        let result = try ProcessRunner.run(
            "/usr/bin/curl", ["-s", "--max-time", "20", "-w", "\n%{http_code}", node.base + "/v1/search?" + query], timeout: 60)
        let elapsed = seconds(since: start)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        let body = lines.dropLast().joined(separator: "\n")
        return (status, try JSONParser.parse(Array(body.utf8)), elapsed)
    }

    static func peer(_ answer: JSONValue, _ id: String) -> JSONValue? {
        answer["peers"]?.arrayValue?.first { $0["id"]?.stringValue == id }
    }

    /// One peer stopped and one too slow: the stopped one is `failed`, the slow one `timed_out`,
    /// the live one answers, and the whole answer arrives within the deadline + 1 s, over HTTP
    /// and from the CLI.
    @Test(.timeLimit(.minutes(3)))
    func stoppedPeerFailsAndSlowPeerTimesOutWithinTheDeadline() throws {
        let sichuan = try FederationNode("sichuan")
        let beijing = try FederationNode("beijing")
        let chongqing = try FederationNode("chongqing")
        defer { [sichuan, beijing, chongqing].forEach { $0.stop() } }
        for node in [sichuan, beijing, chongqing] { try node.serve() }
        try sichuan.peer(beijing)
        try sichuan.peer(chongqing)
        // A peer that reads the request and answers only after 10 s (or when the client goes).
        let slow = try TestServer { _, connection in
            _ = connection.waitForClose(milliseconds: 10_000)
            return connection.write(httpResponse(body: Array(#"{"results":[]}"#.utf8)))
        }
        defer { slow.stop() }
        let tianjin = try FederationNode("tianjin", sample: false)
        #expect(try sichuan.cli.run("peer", "add", "tianjin", slow.baseURL, "--root-key", tianjin.root).status == 0)
        chongqing.stop()

        let answer = try Self.federated(sichuan, "q=%E7%A7%91%E6%8A%80&scope=federation&deadline_ms=1500")
        #expect(answer.status == 200, "\(answer.json)")
        #expect(answer.seconds < 2.5, "answered after \(answer.seconds) s; deadline 1.5 s")
        #expect(Self.peer(answer.json, "chongqing")?["status"]?.stringValue == "failed", "\(answer.json)")
        #expect(Self.peer(answer.json, "chongqing")?["error"]?.stringValue?.contains("CURLE_COULDNT_CONNECT") == true)
        #expect(Self.peer(answer.json, "tianjin")?["status"]?.stringValue == "timed_out", "\(answer.json)")
        #expect(Self.peer(answer.json, "beijing")?["status"]?.stringValue == "answered", "\(answer.json)")
        #expect(answer.json["deadline_ms"]?.intValue == 1500)
        let results = answer.json["results"]?.arrayValue ?? []
        let beijingResults = results.filter { $0["origin"]?.stringValue == "beijing" }
        #expect(!beijingResults.isEmpty, "\(answer.json)")
        for result in beijingResults {
            #expect(result["via"] == ["beijing"], "\(result)")
            #expect(result["verified"] == true, "proofs of a pinned origin checked: \(result)")
        }
        for result in results where result["origin"]?.stringValue == "sichuan" { #expect(result["via"] == ["local"]) }
        // The rank merge: local first, then Beijing's first result.
        #expect(results.first?["via"] == ["local"])
        #expect(results.dropFirst().first?["via"] == ["beijing"], "\(results.prefix(2))")
        #expect(Self.peer(answer.json, "beijing")?["results"]?.intValue == beijingResults.count)

        // The CLI, with the default deadline (2 s).
        let start = ContinuousClock.now
        let cli = try sichuan.cli.json("search", "科技", "--federated", "--json")
        #expect(seconds(since: start) < 3.0, "answered after \(seconds(since: start)) s; deadline 2 s")
        #expect(Self.peer(cli, "chongqing")?["status"]?.stringValue == "failed")
        #expect(Self.peer(cli, "tianjin")?["status"]?.stringValue == "timed_out")
        #expect(cli["results"]?.arrayValue?.count == results.count, "\(cli)")

        // Bounds of the interface.
        #expect(try Self.federated(sichuan, "q=x&scope=federation&deadline_ms=5001").status == 400)
        #expect(try Self.federated(sichuan, "q=x&scope=federation&cursor=abc").status == 400)
        #expect(try Self.federated(sichuan, "q=x&scope=everywhere").status == 400)
        #expect(try Self.federated(sichuan, "q=x&proofs=true&limit=17").status == 400)
        #expect(try sichuan.cli.run("search", "x", "--federated", "--deadline", "6").status == 2)
    }
}
