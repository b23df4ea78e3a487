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
        // A peer that answers garbage, and one whose answer never ends (past the 4 MiB bound).
        let garbage = try TestServer(Behaviour.fixed(body: Array("<html>not a search answer</html>".utf8)))
        let endless = try TestServer(Behaviour.endlessChunked)
        defer { garbage.stop(); endless.stop() }
        for (id, server) in [("hubei", garbage), ("henan", endless)] {
            let keys = try FederationNode(id, sample: false)
            #expect(try sichuan.cli.run("peer", "add", id, server.baseURL, "--root-key", keys.root).status == 0)
        }
        chongqing.stop()

        let answer = try Self.federated(sichuan, "q=%E7%A7%91%E6%8A%80&scope=federation&deadline_ms=1500")
        #expect(answer.status == 200, "\(answer.json)")
        #expect(answer.seconds < 2.5, "answered after \(answer.seconds) s; deadline 1.5 s")
        #expect(Self.peer(answer.json, "chongqing")?["status"]?.stringValue == "failed", "\(answer.json)")
        // Anyone may read this answer: a failed peer shows its error's class, not the text naming
        // the URL, host and port asked (federation.md §6); the operator's CLI keeps the text.
        #expect(Self.peer(answer.json, "chongqing")?["error"]?.stringValue == "unreachable", "\(answer.json)")
        #expect(Self.peer(answer.json, "tianjin")?["error"]?.stringValue == "timeout", "\(answer.json)")
        #expect(!"\(answer.json)".contains("127.0.0.1"), "\(answer.json)")
        #expect(Self.peer(answer.json, "tianjin")?["status"]?.stringValue == "timed_out", "\(answer.json)")
        #expect(Self.peer(answer.json, "beijing")?["status"]?.stringValue == "answered", "\(answer.json)")
        #expect(answer.json["deadline_ms"]?.intValue == 1500)
        #expect(Self.peer(answer.json, "hubei")?["status"]?.stringValue == "failed")
        #expect(Self.peer(answer.json, "hubei")?["error"]?.stringValue == "invalid feed", "\(answer.json)")
        #expect(Self.peer(answer.json, "henan")?["status"]?.stringValue == "failed")
        #expect(Self.peer(answer.json, "henan")?["error"]?.stringValue == "transport error", "\(answer.json)")
        let byOperator = try sichuan.cli.run("search", "科技", "--federated", "--deadline", "1.5", "--json")
        let operatorAnswer = try JSONParser.parse(Array(byOperator.stdout.utf8))
        #expect(Self.peer(operatorAnswer, "chongqing")?["error"]?.stringValue?.contains("CURLE_COULDNT_CONNECT") == true, "\(byOperator.stdout.prefix(800))")
        #expect(Self.peer(operatorAnswer, "hubei")?["error"]?.stringValue?.contains("not JSON") == true)
        #expect(Self.peer(operatorAnswer, "henan")?["error"]?.stringValue?.contains("4194304 bytes") == true)
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

    /// Two relays of Beijing's records, Beijing itself not asked: one serves Beijing's answer with
    /// proofs, one record's body altered (a forgery of a pinned origin); one serves Beijing's answer
    /// without proofs, as a node of an earlier version does. The forged record is dropped and its
    /// relay reported (peers[].error and peer status); the honest record with proofs is verified
    /// through a checkpoint larger than the one held (consistency proof); the records without
    /// proofs are shown `verified: false`.
    @Test(.timeLimit(.minutes(3)))
    func forgedRecordIsDroppedAndReportedAndRecordsWithoutProofsAreUnverified() throws {
        let beijing = try FederationNode("beijing")
        defer { beijing.stop() }
        try beijing.serve()
        let sichuan = try FederationNode("sichuan")
        try sichuan.peer(beijing)
        _ = try sichuan.sync()
        let held = try beijing.logSize()
        #expect(try sichuan.cli.run("peer", "remove", "beijing").status == 0)
        // Beijing grows past what Sichuan holds: a relay's checkpoint is then larger.
        let late = try beijing.cli.data.write("late.json", RecordFixture.jsonArray([RecordFixture.supply("bj-late", title: "同步之后发布的成果")]))
        #expect(try beijing.cli.run("import", late).status == 0)
        #expect(try beijing.logSize() > held)

        let withProofs = try JSONParser.parse(Array(try beijing.get("/v1/search?sort=title&limit=16&proofs=true&sizes=beijing:\(held)").utf8))
        let withoutProofs = try JSONParser.parse(Array(try beijing.get("/v1/search?sort=title&limit=16").utf8))
        let proven = try #require(withProofs["results"]?.arrayValue)
        let plain = try #require(withoutProofs["results"]?.arrayValue)
        #expect(withProofs["origins"]?["beijing"]?["consistency"]?["from"]?.intValue == held, "\(withProofs["origins"] ?? .null)")
        #expect(proven.count >= 4 && plain.map { $0["id"] } == proven.map { $0["id"] })

        // Hubei relays the first two records with their proofs, the first with a forged title.
        let forged = try #require(proven[0]["entry"]?["body"]?.stringValue)
        let realTitle = try #require(proven[0]["title"]?.stringValue)
        let fakeTitle = "伪造的项目名称"
        #expect(forged.contains(realTitle))
        var first = try #require(proven[0].objectValue)
        var entry = try #require(first["entry"]?.objectValue)
        entry["body"] = .string(forged.replacingOccurrences(of: realTitle, with: fakeTitle))
        first["entry"] = .object(entry)
        first["title"] = .string(fakeTitle)
        let relayed: JSONValue = ["results": [.object(first), proven[1]], "origins": withProofs["origins"] ?? .null]
        let hubei = try TestServer(Behaviour.fixed(body: JSONWriter.write(relayed, pretty: false)))
        defer { hubei.stop() }
        // Henan, an earlier version, ignores proofs=true: the other records, without proofs.
        let henan = try TestServer(Behaviour.fixed(body: JSONWriter.write(["results": .array(Array(plain[2...]))], pretty: false)))
        defer { henan.stop() }
        for (id, server) in [("hubei", hubei), ("henan", henan)] {
            let keys = try FederationNode(id, sample: false)
            #expect(try sichuan.cli.run("peer", "add", id, server.baseURL, "--root-key", keys.root).status == 0)
        }

        // Hunan relays the second record with a consistency proof that does not verify.
        var origins = try #require(withProofs["origins"]?.objectValue)
        var origin = try #require(origins["beijing"]?.objectValue)
        var consistency = try #require(origin["consistency"]?.objectValue)
        var hashes = try #require(consistency["proof"]?.arrayValue)
        try #require(!hashes.isEmpty)
        hashes[0] = .string(String(repeating: "ab", count: 32))
        consistency["proof"] = .array(hashes)
        origin["consistency"] = .object(consistency)
        origins["beijing"] = .object(origin)
        let hunan = try TestServer(Behaviour.fixed(body: JSONWriter.write(["results": [proven[1]], "origins": .object(origins)], pretty: false)))
        defer { hunan.stop() }
        let hunanKeys = try FederationNode("hunan", sample: false)
        #expect(try sichuan.cli.run("peer", "add", "hunan", hunan.baseURL, "--root-key", hunanKeys.root).status == 0)

        // Nothing matches locally: every result comes from a relay.
        let all = try sichuan.cli.json("search", "zzqqxx", "--federated", "--json")
        let results = all["results"]?.arrayValue ?? []
        #expect(!results.contains { $0["title"]?.stringValue == fakeTitle }, "the forgery is never shown: \(results)")
        #expect(!results.contains { $0["id"] == proven[0]["id"] }, "the forged record is dropped: \(results)")
        let hubeiPeer = try #require(Self.peer(all, "hubei"))
        #expect(hubeiPeer["status"]?.stringValue == "answered")
        #expect(hubeiPeer["results"]?.intValue == 1)
        let error = try #require(hubeiPeer["error"]?.stringValue)
        #expect(error.contains(proven[0]["id"]?.stringValue ?? "?") && error.contains("body_hash"), "\(error)")
        let honest = try #require(results.first { $0["id"] == proven[1]["id"] })
        #expect(honest["verified"] == true, "\(honest)")
        #expect(honest["via"] == ["hubei"])
        #expect(honest["title"] == proven[1]["title"])
        let unproven = results.filter { $0["via"] == ["henan"] }
        #expect(unproven.count == plain.count - 2, "\(results)")
        for result in unproven {
            #expect(result["verified"] == false, "\(result)")
            #expect(result["stale"] == nil)
        }
        #expect(Self.peer(all, "henan")?["error"] == .null)
        #expect(Self.peer(all, "hunan")?["results"]?.intValue == 0)
        #expect(Self.peer(all, "hunan")?["error"]?.stringValue?.contains("consistency proof") == true, "\(all["peers"] ?? .null)")

        // peer status names the forging relay, and only it; its sync state is untouched.
        let status = try sichuan.cli.json("peer", "status", "--json")
        let peers = status["peers"]?.arrayValue ?? []
        let reported = try #require(peers.first { $0["id"]?.stringValue == "hubei" })
        #expect(reported["federated_error"]?.stringValue?.contains(proven[0]["id"]?.stringValue ?? "?") == true, "\(reported)")
        #expect(reported["state"]?.stringValue == "new")
        #expect(peers.first { $0["id"]?.stringValue == "henan" }?["federated_error"] == .null)
        #expect(try sichuan.cli.run("peer", "status").stdout.contains("federated query at "))
        // A proof that fails is not fork evidence: Beijing stays ok.
        let beijingOrigin = status["origins"]?.arrayValue?.first { $0["origin"]?.stringValue == "beijing" }
        #expect(beijingOrigin?["state"]?.stringValue == "ok", "\(beijingOrigin ?? .null)")
        #expect(beijingOrigin?["fork_evidence"] == [])
    }

    /// At most 8 federated queries run at once on a node: of 16 sent together while the node's one
    /// peer never answers, 8 run at once (on a node with the default 4 worker threads: a federated
    /// query's connection is suspended while it waits, so it holds no worker) and the others get
    /// 503 with Retry-After at once. The 16 come from one address, so the per-client limit is
    /// lifted (`--max-queries-per-client 0`): this is the node's bound over all its clients.
    @Test(.timeLimit(.minutes(3)))
    func moreThanEightFederatedQueriesAtOnceGet503WithRetryAfter() throws {
        let sichuan = try FederationNode("sichuan")
        defer { sichuan.stop() }
        try sichuan.serve(options: ["--max-queries-per-client", "0"])
        let silent = try TestServer(Behaviour.silent)
        defer { silent.stop() }
        let keys = try FederationNode("tianjin", sample: false)
        #expect(try sichuan.cli.run("peer", "add", "tianjin", silent.baseURL, "--root-key", keys.root).status == 0)

        let url = sichuan.base + "/v1/search?q=x&scope=federation&deadline_ms=2000"
        let result = try ProcessRunner.run(
            "/usr/bin/curl",
            ["-s", "--max-time", "20", "--parallel", "--parallel-immediate", "--parallel-max", "16",
             "-w", "\nSTATUS %{http_code} %header{retry-after}\n"] + Array(repeating: url, count: 16),
            timeout: 60)
        let statuses = result.stdout.split(separator: "\n").filter { $0.hasPrefix("STATUS ") }.map { $0.dropFirst(7) }
        #expect(statuses.count == 16, "\(result.stdout)\(result.stderr)")
        let refused = statuses.filter { $0.hasPrefix("503") }
        let answered = statuses.filter { $0.hasPrefix("200") }
        #expect(!refused.isEmpty, "\(statuses)")
        #expect(refused.allSatisfy { $0 == "503 1" }, "a 503 says when to retry: \(statuses)")
        #expect(answered.count + refused.count == 16, "\(statuses)")
        #expect(answered.count >= 8, "the first 8 are served: \(statuses)")
        #expect(silent.maxInFlight == 8, "the peer saw \(silent.maxInFlight) federated queries at once")
        #expect(result.stdout.contains("federated queries are in progress"))
    }
}
