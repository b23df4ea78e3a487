import Foundation
import JSON
import TestSupport
import Testing

/// `protocols/openapi.yaml` against the node: the document is valid OpenAPI
/// (`openapi-spec-validator`, pinned, in `.build/venv-openapi`, which `make test` creates), and
/// the real answers of a running node, success and error cases of every operation, validate
/// against it (`Fixtures/openapi_check.py`, with Debian's python3-jsonschema and python3-yaml).
///
/// A route the node serves that the document lacks fails (its exchange matches no path, so it
/// must be a 404), a member an answer has that its schema lacks fails (the schemas are closed),
/// and an operation or documented status that no request here produces fails (coverage). So a
/// change to the API extends the document and the requests below together.
@Suite struct OpenAPITests {
    static let spec = Repository.root + "/protocols/openapi.yaml"
    static let checker = Repository.root + "/Tests/CLITests/Fixtures/openapi_check.py"
    /// The pinned validator; `make test` installs it (Makefile, OPENAPI_VALIDATOR).
    static let validator = Repository.root + "/.build/venv-openapi/bin/openapi-spec-validator"
    /// Documented answers no request here produces, with why (`METHOD /path STATUS` or `* STATUS`).
    /// Statuses a single run cannot produce on demand: a 503 while `all=true` pairs are being
    /// computed (MatchAllAPITests) and beyond 8 federated queries (FederatedSearchTests).
    /// A 409 comes only from a node restored from a backup and held (BackupRestoreTests produces it).
    /// A 429 needs a query held in progress (ClientQueriesAPITests produces it).
    static let unexercised: [String] = [
        "/v1/search", "/v1/clusters/{id}", "/v1/stats", "/v1/peers", "/v1/matches", "/v1/deals", "/v1/deals/{id}", "/v1/funnel",
        "/v1/roadshows", "/v1/roadshows/{id}", "/v1/roadshows/{id}.html", "/v1/projects/{id}",
        "/", "/p/{id}", "/matches", "/roadshows", "/roadshows/{id}", "/deals", "/status", "/import",
    ].map { "GET \($0) 429" } + ["GET /v1/matches 503", "GET /v1/search 503", "GET /matches 503",
        "PUT /v1/projects/{id} 409", "DELETE /v1/projects/{id} 409", "POST /v1/projects/import 409", "PUT /v1/deals/{id} 409",
        "PUT /v1/roadshows/{id} 409",
    ]

    @Test func theDocumentIsValidOpenAPI() throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.validator),
            "\(Self.validator) is missing: `make test` creates .build/venv-openapi and installs the pinned openapi-spec-validator")
        let valid = try ProcessRunner.run(Self.validator, [Self.spec], timeout: 120)
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        #expect(valid.stdout.contains("OK"), "\(valid.stdout)")

        // The validator refuses a broken copy (a response without its description), so the check
        // above cannot pass vacuously. The copy has the schemas beside it, for its schema/ references.
        let text = try String(contentsOfFile: Self.spec, encoding: .utf8)
        let broken = text.replacingOccurrences(of: "          description: The manifest.\n", with: "")
        #expect(broken != text)
        let directory = try TemporaryDirectory(prefix: "openapi")
        try FileManager.default.copyItem(atPath: Repository.root + "/protocols/schema", toPath: directory.file("schema"))
        let copy = try directory.write("openapi.yaml", broken)
        let refused = try ProcessRunner.run(Self.validator, [copy], timeout: 120)
        #expect(refused.status != 0, "\(refused.stdout)")
        #expect(refused.stdout.contains("description"), "\(refused.stdout)\(refused.stderr)")
    }

    /// About 20 s alone; in the full suite's parallel load it took 330 s once (hence the limit).
    @Test(.timeLimit(.minutes(10)))
    func everyRouteAnswersAsDocumented() throws {
        let sichuan = try FederationNode("sichuan", generated: 300)
        let beijing = try FederationNode("beijing")
        let chongqing = try FederationNode("chongqing", sample: false)
        defer { [sichuan, beijing, chongqing].forEach { $0.stop() } }
        // A Beijing record of the same project as a Sichuan one: a two-origin cluster.
        let extra = beijing.cli.data.file("extra.json")
        try RecordFixture.jsonArray([
            RecordFixture.supply(
                "bj-x-001", title: "溶剂萃取法精制工业磷酸技术（北京推广）", organization: "北京化工研究院", region: "beijing",
                extra: ["same_as": ["sichuan:sc-ach-001"]])
        ]).write(toFile: extra, atomically: true, encoding: .utf8)
        #expect(try beijing.cli.run("import", extra).status == 0)
        try sichuan.serve(options: ["--max-body-bytes", "65536"])
        try beijing.serve()
        try sichuan.peer(beijing)
        try beijing.peer(sichuan)
        _ = try beijing.sync()
        // A peer that is down: its state, error and retry time are shown by /v1/peers.
        #expect(try sichuan.cli.run("peer", "add", "chongqing", "http://127.0.0.1:1", "--root-key", chongqing.root).status == 0)
        _ = try sichuan.cli.run("sync")  // fails for chongqing, which is the point

        let client = try Client(node: sichuan)
        let token = try String(contentsOfFile: sichuan.cli.data.file("admin.token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let auth = "Authorization: Bearer \(token)"

        // Feed files: 200, 304 with the ETag, 404, 405; a full page gzip-encoded and a partial page.
        let checkpoint = try client.json("GET", "/feeds/sichuan/checkpoint.json")
        let size = try #require(checkpoint["size"]?.intValue)
        try #require(size > 256 && size < 512, "page 0 full, page 1 partial: \(size)")
        for path in [
            "/.well-known/kechuang/node.json", "/feeds/checkpoints.json", "/feeds/sichuan/checkpoint.json",
            "/feeds/beijing/checkpoint.json", "/feeds/sichuan/keys.json", "/feeds/beijing/keys.json",
            "/feeds/sichuan/pages/1.p\(size - 256).jsonl", "/feeds/sichuan/bodies/1.p\(size - 256).jsonl",
            "/feeds/beijing/pages/0.p1.jsonl", "/feeds/sichuan/page-roots/\(size).json", "/feeds/sichuan/page-roots/3.json",
            "/feeds/sichuan/proof/inclusion?seq=5&size=\(size)", "/feeds/sichuan/proof/consistency?from=3&to=\(size)",
            "/feeds/sichuan/proof/page?page=0&size=\(size)",
        ] {
            try client.getAndRevalidate(path)
        }
        try client.call("GET", "/feeds/sichuan/pages/0.jsonl", gzip: true, expect: 200)
        try client.call("GET", "/feeds/sichuan/bodies/0.jsonl", gzip: true, expect: 200)
        try client.call("HEAD", "/.well-known/kechuang/node.json", expect: 200)
        for path in [
            "/feeds/nowhere/checkpoint.json", "/feeds/nowhere/keys.json", "/feeds/sichuan/pages/9.jsonl",
            "/feeds/sichuan/bodies/9.jsonl", "/feeds/sichuan/page-roots/\(size + 1).json",
        ] {
            try client.call("GET", path, expect: 404)
        }
        for path in [
            "/feeds/sichuan/proof/inclusion?seq=\(size)&size=\(size)", "/feeds/sichuan/proof/consistency?from=\(size)&to=3",
            "/feeds/sichuan/proof/page?page=0&size=100", "/feeds/nowhere/proof/inclusion?seq=0&size=1",
        ] {
            try client.call("GET", path, expect: 400)
        }
        for path in [
            "/.well-known/kechuang/node.json", "/feeds/checkpoints.json", "/feeds/sichuan/checkpoint.json",
            "/feeds/sichuan/keys.json", "/feeds/sichuan/pages/0.jsonl", "/feeds/sichuan/bodies/0.jsonl",
            "/feeds/sichuan/page-roots/3.json", "/feeds/sichuan/proof/inclusion", "/feeds/sichuan/proof/consistency",
            "/feeds/sichuan/proof/page", "/healthz", "/metrics", "/v1/search", "/v1/stats", "/v1/peers", "/v1/matches",
            "/v1/clusters/sichuan:sc-ach-001", "/v1/projects/sichuan:sc-ach-001",
        ] {
            try client.call("POST", path, expect: 405)
        }
        try client.call("GET", "/v1/projects/import", expect: 405)

        // Catalog reads.
        try client.call("GET", "/healthz", expect: 200)
        let stats = try client.json("GET", "/v1/stats")
        #expect((stats["clusters_by_region"]?["beijing"]?.intValue ?? 0) >= 1, "sichuan's node holds beijing's records: \(stats)")
        let peers = try client.json("GET", "/v1/peers")
        #expect(peers["peers"]?.arrayValue?.contains { $0["state"] == "error" } == true, "\(peers)")
        let page = try client.json("GET", "/v1/search?q=%E7%A3%B7%E9%85%B8&limit=2")
        let cursor = try #require(page["next_cursor"]?.stringValue)
        for query in [
            "q=%E7%A3%B7%E9%85%B8&limit=2&cursor=\(Client.encode(cursor))",
            "q=%E8%90%83%E5%8F%96%E6%B3%95%E7%B2%BE%E5%88%B6%E5%B7%A5%E4%B8%9A%E7%A3%B7%E9%85%B8&unified=true",
            "kind=challenge&industry=equipment&region=sichuan&origin=sichuan,beijing&stage=publication&sort=recency&limit=3&include_expired=true",
            "kind=achievement&trl=3-9&sort=title&unified=false", "q=trl:5",
        ] {
            try client.call("GET", "/v1/search?\(query)", expect: 200)
        }
        for query in ["limit=0", "sort=best", "unified=maybe", "q=a%20b%20c%20d%20e%20f%20g%20h%20i", "kind=nothing"] {
            try client.call("GET", "/v1/search?\(query)", expect: 400)
        }
        let cluster = try client.json("GET", "/v1/clusters/beijing:bj-x-001")
        #expect(cluster["members_total"] == 2, "\(cluster)")
        try client.call("GET", "/v1/clusters/beijing:bj-x-001?limit=1&cursor=beijing:bj-x-001", expect: 200)
        try client.call("GET", "/v1/clusters/sc-ach-001?limit=1", expect: 200)
        for path in ["/v1/clusters/no%20id", "/v1/clusters/sichuan:sc-ach-001?limit=101", "/v1/clusters/sichuan:sc-ach-001?cursor=x"] {
            try client.call("GET", path, expect: 400)
        }
        try client.call("GET", "/v1/clusters/sichuan:nope", expect: 404)
        let matches = try client.json("GET", "/v1/matches?for=sichuan:sc-chal-001&limit=3&include_expired=false")
        #expect(matches["results"]?.arrayValue?.isEmpty == false, "\(matches)")
        // The all=true pairs stored first, as `match --all` stores them: computed by the server
        // under the suite's load, they can take longer than its 2 s wait (its 503 is tested elsewhere).
        #expect(try sichuan.cli.run("match", "--all", "--limit", "1").status == 0)
        for query in ["all=true&limit=5", "all=1&cross_region=true&industry=equipment&region=sichuan", "for=sc-ach-001&kind=challenge&cross_region=0"] {
            try client.call("GET", "/v1/matches?\(query)", expect: 200)
        }
        for query in ["bogus=1", "", "all=true&for=sichuan:sc-ach-001", "for=sichuan:sc-ach-001&limit=101", "all=yes"] {
            try client.call("GET", "/v1/matches?\(query)", expect: 400)
        }
        try client.call("GET", "/v1/matches?for=sichuan:nope", expect: 404)

        // Deals (protocols/deals.md) and the funnel.
        let deal = #"{"demand": "sc-chal-001", "supply": "sc-ach-002", "stage": "signing", "amount": "300000.00"}"#
        try client.call("PUT", "/v1/deals/d-1", body: deal, expect: 401)
        try client.call("PUT", "/v1/deals/d-1", headers: [auth], body: deal, expect: 200)
        try client.call("PUT", "/v1/deals/beijing:~deal.d-1", headers: [auth], body: deal, expect: 400)
        try client.call("PUT", "/v1/deals/d-1", headers: [auth], body: String(repeating: " ", count: 70_000), expect: 413)
        try client.call("DELETE", "/v1/deals/d-1", expect: 405)
        try client.call("GET", "/v1/deals?limit=5", expect: 200)
        try client.call("GET", "/v1/deals?limit=0", expect: 400)
        try client.call("POST", "/v1/deals", body: "", expect: 405)
        try client.call("GET", "/v1/deals/sichuan:~deal.d-1", expect: 200)
        try client.call("GET", "/v1/deals/bad%20id", expect: 400)
        try client.call("GET", "/v1/deals/sichuan:~deal.nope", expect: 404)
        try client.call("GET", "/v1/funnel", expect: 200)
        try client.call("GET", "/v1/funnel?region=sichuan", expect: 200)
        try client.call("GET", "/v1/funnel?region=atlantis", expect: 400)
        try client.call("POST", "/v1/funnel", body: "", expect: 405)

        // Roadshows (protocols/roadshows.md).
        let roadshow = #"{"event": "expo-2026", "title": "路演", "sessions": [{"id": "expo-2026/a", "name": "专场", "industries": [], "date": "2026-12-10", "start": "2026-12-10T01:00:00Z", "place": "主会场", "slots": [{"time": "2026-12-10T01:00:00Z", "project": "sichuan:sc-ach-001", "expert": "李明"}]}]}"#
        try client.call("PUT", "/v1/roadshows/rs-1", body: roadshow, expect: 401)
        try client.call("PUT", "/v1/roadshows/rs-1", headers: [auth], body: roadshow, expect: 200)
        try client.call("PUT", "/v1/roadshows/rs-2", headers: [auth], body: roadshow.replacingOccurrences(of: "sc-ach-001", with: "sc-nope"), expect: 400)
        try client.call("PUT", "/v1/roadshows/rs-1", headers: [auth], body: String(repeating: " ", count: 70_000), expect: 413)
        try client.call("DELETE", "/v1/roadshows/rs-1", expect: 405)
        try client.call("GET", "/v1/roadshows?limit=5", expect: 200)
        try client.call("GET", "/v1/roadshows?limit=0", expect: 400)
        try client.call("POST", "/v1/roadshows", body: "", expect: 405)
        try client.call("GET", "/v1/roadshows/sichuan:~roadshow.rs-1", expect: 200)
        try client.call("GET", "/v1/roadshows/bad%20id", expect: 400)
        try client.call("GET", "/v1/roadshows/sichuan:~roadshow.nope", expect: 404)
        try client.call("GET", "/v1/roadshows/rs-1.html", expect: 200)
        try client.call("GET", "/v1/roadshows/bad%20id.html", expect: 400)
        try client.call("GET", "/v1/roadshows/nope.html", expect: 404)
        try client.call("POST", "/v1/roadshows/rs-1.html", body: "", expect: 405)

        // The web page (README, "The web page"): HTML answers.
        for (path, status) in [
            ("/", 200), ("/?q=%E7%A3%B7%E9%85%B8&kind=achievement&trl_min=3&trl_max=9", 200), ("/?trl_min=12", 400),
            ("/p/sichuan:sc-ach-001", 200), ("/p/bad%20id", 400), ("/p/sichuan:nope", 404),
            ("/matches?industry=equipment", 200), ("/matches?industry=robots", 400), ("/roadshows", 200), ("/roadshows?x=1", 400),
            ("/roadshows/rs-1", 200), ("/roadshows/bad%20id", 400), ("/roadshows/sichuan:~roadshow.nope", 404),
            ("/deals?region=sichuan", 200), ("/deals?region=atlantis", 400), ("/status", 200), ("/status?x=1", 400),
            ("/import", 200), ("/import?x=1", 400), ("/static/kechuang.css", 200), ("/static/kechuang.js", 200),
        ] {
            try client.call("GET", path, expect: status)
        }
        for path in ["/", "/p/sichuan:sc-ach-001", "/matches", "/roadshows", "/roadshows/rs-1", "/deals", "/status", "/import", "/static/kechuang.css", "/static/kechuang.js"] {
            try client.call("POST", path, body: "", expect: 405)
        }

        // Federated search (protocols/federation.md): one peer answers, one is down.
        try client.call("GET", "/v1/search?q=%E7%A3%B7%E9%85%B8&scope=federation&deadline_ms=2000", expect: 200)
        try client.call("GET", "/v1/search?q=%E7%A3%B7%E9%85%B8&proofs=true&limit=3", expect: 200)
        try client.call("GET", "/v1/search?q=%E7%A3%B7%E9%85%B8&scope=galaxy", expect: 400)
        try client.call("GET", "/v1/projects/sichuan:sc-ach-001", expect: 200)
        try client.call("GET", "/v1/projects/bj-x-001", expect: 404)
        try client.call("GET", "/v1/projects/beijing:bj-x-001", expect: 200)
        try client.call("GET", "/v1/projects/bad%20id", expect: 400)

        // Admin writes: 401 without the token, 201/200 and 400 with it, 413 over the limits.
        let record = JSONWriter.string(RecordFixture.supply("api-1", title: "接口测试成果"), pretty: false)
        try client.call("PUT", "/v1/projects/api-1", body: record, expect: 401)
        try client.call("PUT", "/v1/projects/api-1", headers: ["Authorization: Basic eDp5"], body: record, expect: 401)
        try client.call("PUT", "/v1/projects/api-1", headers: [auth], body: record, expect: 201)
        try client.call("PUT", "/v1/projects/api-1?republish=false", headers: [auth], body: record, expect: 200)
        try client.call("PUT", "/v1/projects/api-1", headers: [auth], body: #"{"title": 5}"#, expect: 400)
        try client.call("PUT", "/v1/projects/api-1", headers: [auth], body: "not json", expect: 400)
        try client.call("PUT", "/v1/projects/api-1?republish=maybe", headers: [auth], body: record, expect: 400)
        try client.call("PUT", "/v1/projects/api-1", headers: [auth], body: String(repeating: " ", count: 70_000), expect: 413)
        try client.call("DELETE", "/v1/projects/api-1", expect: 401)
        try client.call("DELETE", "/v1/projects/api-1", headers: [auth], body: "x", expect: 413)
        try client.call("DELETE", "/v1/projects/api-1", headers: [auth], expect: 200)
        try client.call("DELETE", "/v1/projects/api-1", headers: [auth], expect: 404)
        try client.call("DELETE", "/v1/projects/beijing:bj-x-001", headers: [auth], expect: 400)
        let records = RecordFixture.jsonArray([
            RecordFixture.supply("api-2", title: "接口导入成果"), RecordFixture.challenge("api-3", title: "接口导入难题", region: "sichuan"),
        ])
        try client.call("POST", "/v1/projects/import", headers: [auth, "Content-Type: application/json"], body: records, expect: 200)
        try client.call(
            "POST", "/v1/projects/import?encoding=utf-8", headers: [auth, "Content-Type: text/csv"],
            body: "id,kind,title,summary,industry,organization.name,organization.type,organization.region,valid_through,trl,cooperation\n"
                + "api-4,achievement,接口CSV成果,一项成果。,electronics,电子科技大学,university,sichuan,2035-12-31,5,transfer\n",
            expect: 200)
        let refused = try client.call(
            "POST", "/v1/projects/import", headers: [auth, "Content-Type: application/json"],
            body: RecordFixture.jsonArray([RecordFixture.supply("api-5", title: "坏", trl: 11)]), expect: 400)
        #expect(refused.body.contains("\"issues\""), "\(refused.body)")
        try client.call("POST", "/v1/projects/import", body: records, expect: 401)
        try client.call("POST", "/v1/projects/import?encoding=latin1", headers: [auth], body: records, expect: 400)
        try client.call("POST", "/v1/projects/import", headers: [auth], body: String(repeating: " ", count: 70_000), expect: 413)

        // Paths the node does not serve, and what the HTTP edge answers for any operation.
        for path in ["/v1/nothing", "/feeds/Sichuan/checkpoint.json", "/v1/projects/a/b", "/index.html", "/p/a/b"] {
            try client.call("GET", path, expect: 404)
        }
        try client.call("GET", "/v1/search?q=" + String(repeating: "a", count: 9000), expect: 414)
        try client.call("GET", "/v1/stats", headers: ["X-Padding: " + String(repeating: "p", count: 20_000)], expect: 431)
        try client.call("GET", "/v1/stats", body: "x", expect: 413)
        try client.call("GET", "/v1/stats", headers: ["Content-Length: 1", "Content-Length: 2"], rawBody: "x", expect: 400)
        try client.call("GET", "/v1/stats", headers: ["Transfer-Encoding: gzip"], rawBody: "", expect: 501)
        // A head that does not complete in time, on a node of its own with a 1-second limit (the
        // server answers once the limit passes; no sleep here).
        try chongqing.serve(options: ["--head-timeout", "1"])
        try Client(node: chongqing, into: client).call(
            "GET", "/v1/stats", partialHead: "GET /v1/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n", expect: 408)

        // Every route the node counts in /metrics (Route.label, an exhaustive switch over the
        // routes in Sources/API/Routes.swift) was answered above: a route added there without a
        // request here, and so without the document's coverage check, fails.
        let metrics = try client.call("GET", "/metrics", expect: 200).body
        let prefix = "kechuang_http_requests_total{route=\""
        let counted = Set(metrics.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix(prefix) else { return nil }
            return line.dropFirst(prefix.count).split(separator: "\"").first.map(String.init)
        })
        let labels = try Self.routeLabels()
        #expect(labels.count >= 14, "\(labels)")
        #expect(labels.subtracting(counted).isEmpty, "routes of Routes.swift never requested: \(labels.subtracting(counted).sorted())")

        // Every answer against the document, with coverage of every operation and status.
        let exchanges = sichuan.cli.data.file("exchanges.json")
        try Data(JSONWriter.write(.array(client.exchanges), pretty: false)).write(to: URL(fileURLWithPath: exchanges))
        let checked = try Self.check(exchanges)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        let summary = try JSONParser.parse(Array((checked.stdout.split(separator: "\n").last.map(String.init) ?? "").utf8))
        #expect(summary["failures"] == 0)
        let paths = Set(summary["paths"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let exercised = Set(
            (summary["exercised"]?.arrayValue?.compactMap(\.stringValue) ?? []).compactMap { key -> String? in
                let parts = key.split(separator: " ")
                return parts.count == 2 && parts[1].hasPrefix("/") ? String(parts[1]) : nil
            })
        #expect(paths.count >= 19, "\(paths)")
        #expect(exercised == paths, "exercised \(exercised.sorted()), documented \(paths.sorted())")

        // The checker is not vacuous: each of these changes of real answers must be refused.
        let real = client.exchanges
        func only(_ path: String) -> [JSONValue] { real.filter { $0["path"]?.stringValue == path && $0["status"] == 200 } }
        let cases: [(String, [JSONValue], String)] = [
            ("an extra member", try Self.editBody(only("/v1/stats")) { $0["bogus"] = 1 }, "Additional properties are not allowed ('bogus'"),
            ("a missing member", try Self.editBody(only("/v1/stats")) { $0["clusters"] = nil }, "'clusters' is a required property"),
            ("a peer without retry_after", try Self.editBody(only("/v1/peers")) { object in
                guard case .array(var list) = object["peers"] ?? .null, case .object(var first) = list.first ?? .null else { return }
                first["retry_after"] = nil
                list[0] = .object(first)
                object["peers"] = .array(list)
            }, "'retry_after' is a required property"),
            ("a route the document lacks", [["method": "GET", "path": "/v1/bogus", "query": [:], "status": 200, "headers": [:], "body": "{}"]],
             "no path of the document serves it"),
            ("an undocumented status", try Self.edit(only("/v1/stats")) { $0["status"] = 404 }, "status 404 is not documented for GET /v1/stats"),
            ("an undocumented query parameter", try Self.edit(only("/v1/stats")) { $0["query"] = ["verbose": "1"] },
             "query parameter verbose is not documented"),
            ("a route not exercised", real.filter { $0["path"]?.stringValue != "/v1/peers" }, "not exercised: GET /v1/peers"),
            ("an accepted request body outside its schema", try Self.edit(real.filter { $0["method"] == "PUT" && $0["status"] == 201 }) { exchange in
                exchange["request"] = ["content_type": "application/json", "body": #"{"id": "api-1", "titel": "x"}"#]
            }, "request body: "),
            ("a header missing", try Self.edit(real.filter { $0["method"] == "PUT" && $0["status"] == 401 }) { exchange in
                exchange["headers"] = .object((exchange["headers"]?.objectValue ?? [:]).filter { $0.key != "www-authenticate" })
            }, "required header WWW-Authenticate is missing"),
            ("a JSON Lines line outside its schema", try Self.edit(only("/feeds/sichuan/pages/0.jsonl")) { exchange in
                exchange["body"] = .string((exchange["body"]?.stringValue ?? "").replacingOccurrences(of: #""op":"put""#, with: #""op":"post""#))
            }, "line 2: op: 'post' is not one of"),
        ]
        for (what, exchangeList, message) in cases {
            try #require(!exchangeList.isEmpty, "\(what)")
            let file = sichuan.cli.data.file("negative-\(UUID().uuidString).json")
            try Data(JSONWriter.write(.array(exchangeList), pretty: false)).write(to: URL(fileURLWithPath: file))
            let result = try Self.check(file)
            #expect(result.status == 1, "\(what): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains(message), "\(what): \(result.stdout)\(result.stderr)")
        }
    }

    /// The metric labels of the node's routes: the string literals of `Route.label`.
    static func routeLabels() throws -> Set<String> {
        let source = try String(contentsOfFile: Repository.root + "/Sources/API/Routes.swift", encoding: .utf8)
        let start = try #require(source.range(of: "var label: String {"), "Routes.swift has no `var label`")
        var labels: Set<String> = []
        var rest = source[start.upperBound...]
        while let open = rest.firstIndex(of: "\""), let close = rest[rest.index(after: open)...].firstIndex(of: "\"") {
            labels.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return labels
    }

    static func check(_ exchanges: String) throws -> ProcessResult {
        try ProcessRunner.run(
            "/usr/bin/python3", [checker, spec, exchanges] + unexercised.flatMap { ["--allow-unexercised", $0] }, timeout: 120)
    }

    /// `exchanges` with `change` applied to each.
    static func edit(_ exchanges: [JSONValue], _ change: (inout [String: JSONValue]) -> Void) throws -> [JSONValue] {
        try exchanges.map { exchange in
            var object = try #require(exchange.objectValue)
            change(&object)
            return .object(object)
        }
    }

    /// `exchanges` with `change` applied to each one's JSON body.
    static func editBody(_ exchanges: [JSONValue], _ change: @escaping (inout [String: JSONValue]) -> Void) throws -> [JSONValue] {
        try edit(exchanges) { exchange in
            guard let text = exchange["body"]?.stringValue, case .object(var body)? = try? JSONParser.parse(Array(text.utf8)) else { return }
            change(&body)
            exchange["body"] = .string(JSONWriter.string(.object(body), pretty: false))
        }
    }
}

/// Makes requests to one node and keeps each with its answer, as the checker reads them:
/// `{"method", "path", "query", "status", "headers", "body"}`.
final class Client {
    let port: UInt16
    let base: String
    /// Where the exchanges are kept (shared by clients of several nodes).
    final class Log { var exchanges: [JSONValue] = [] }
    let log: Log
    var exchanges: [JSONValue] { log.exchanges }

    /// A client of `node`, keeping its exchanges with those of `other` when given.
    init(node: FederationNode, into other: Client? = nil) throws {
        base = node.base
        port = try #require(node.base.split(separator: ":").last.flatMap { UInt16($0) })
        log = other?.log ?? Log()
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// Percent-encodes a query value.
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Sends one request and records it. `body` is sent with its Content-Length; `rawBody` is sent
    /// as it is, after `headers` (which then frame it). `gzip` goes through curl, which decodes it.
    @discardableResult
    func call(
        _ method: String, _ target: String, headers: [String] = [], body: String? = nil, rawBody: String? = nil,
        partialHead: String? = nil, gzip: Bool = false, expect: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Answer {
        let answer =
            gzip
            ? try curl(method, target, headers: headers)
            : try raw(method, target, headers: headers, body: body, rawBody: rawBody, partialHead: partialHead)
        #expect(answer.status == expect, "\(method) \(target): \(answer.body.prefix(300))", sourceLocation: sourceLocation)
        if gzip { #expect(answer.headers["content-encoding"] == "gzip", "\(target)", sourceLocation: sourceLocation) }
        let (path, query) = Self.split(target)
        var exchange: [String: JSONValue] = [
            "method": .string(method), "path": .string(path), "query": .object(query.mapValues(JSONValue.string)),
            "status": .number(Double(answer.status)), "headers": .object(answer.headers.mapValues(JSONValue.string)),
            "body": .string(answer.body),
        ]
        if let sent = body ?? rawBody, !sent.isEmpty {
            let type = headers.first { $0.lowercased().hasPrefix("content-type:") }.map { String($0.dropFirst("content-type:".count)) }
            exchange["request"] = ["content_type": .string(type?.trimmingCharacters(in: .whitespaces) ?? ""), "body": .string(sent)]
        }
        log.exchanges.append(.object(exchange))
        return answer
    }

    /// GET `target` (200), then again with its ETag in If-None-Match (304).
    func getAndRevalidate(_ target: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let first = try call("GET", target, expect: 200, sourceLocation: sourceLocation)
        let etag = try #require(first.headers["etag"], "\(target)", sourceLocation: sourceLocation)
        try call("GET", target, headers: ["If-None-Match: \(etag)"], expect: 304, sourceLocation: sourceLocation)
    }

    /// GET `target`, expecting 200, as JSON.
    func json(_ method: String, _ target: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        try JSONParser.parse(Array(try call(method, target, expect: 200, sourceLocation: sourceLocation).body.utf8))
    }

    /// One request on a connection of its own; `partialHead` is sent instead of the request (its
    /// head left unfinished), and the answer awaited.
    private func raw(
        _ method: String, _ target: String, headers: [String], body: String?, rawBody: String?, partialHead: String?
    ) throws -> Answer {
        let connection = try RawConnection(port: port, timeout: .seconds(30))
        if let partialHead {
            try connection.send(partialHead)
            return try Self.answer(connection.readResponse())
        }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for header in headers { head += header + "\r\n" }
        let bytes = body.map { Array($0.utf8) } ?? []
        if body != nil { head += "Content-Length: \(bytes.count)\r\n" }
        try connection.send(head + "\r\n")
        if let rawBody { try connection.send(rawBody) }
        // The server may answer and close before reading a refused body; a failed send is then fine.
        if body != nil { _ = try? connection.send(bytes) }
        return try Self.answer(connection.readResponse(head: method == "HEAD"))
    }

    private static func answer(_ response: RawResponse) -> Answer {
        var fields: [String: String] = [:]
        for (name, value) in response.headers { fields[name.lowercased()] = value }
        return Answer(status: response.status, headers: fields, body: response.text)
    }

    private func curl(_ method: String, _ target: String, headers: [String]) throws -> Answer {
        let dir = try TemporaryDirectory(prefix: "openapi-curl")
        let result = try ProcessRunner.run(
            "/usr/bin/curl",
            ["-s", "-S", "--compressed", "-X", method, "-D", dir.file("head"), "-o", dir.file("body"), "-w", "%{http_code}", "--max-time", "30"]
                + headers.flatMap { ["-H", $0] } + [base + target], timeout: 60)
        #expect(result.status == 0, "\(target): \(result.stderr)")
        var fields: [String: String] = [:]
        let head = try String(contentsOfFile: dir.file("head"), encoding: .utf8)
        for line in head.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = try String(contentsOfFile: dir.file("body"), encoding: .utf8)
        return Answer(status: Int(result.stdout) ?? 0, headers: fields, body: body)
    }

    /// The decoded path and query parameters of a request target.
    static func split(_ target: String) -> (String, [String: String]) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                query[name] = kv.count == 2 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            }
        }
        return (path, query)
    }
}
