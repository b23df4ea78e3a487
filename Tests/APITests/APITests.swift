import API
import Catalog
import Feed
import Foundation
import HTTPClient
import HTTPServer
import JSON
import Signing
import Store
import TestSupport
import Testing

/// A node served in process on 127.0.0.1 with an ephemeral port, stopped by `stop()`.
final class ServedNode: Sendable {
    let directory: TemporaryDirectory
    let store: CatalogStore
    let server: HTTPServer
    /// The node's handler (its per-client query counts are what ClientQueriesAPITests holds).
    let handler: NodeAPI
    let client = HTTPClient(maxConcurrent: 8)
    let token: String
    let root: Ed25519PrivateKey
    let key: Ed25519PrivateKey
    var base: String { "http://127.0.0.1:\(server.port)" }

    init(
        records: Int = 300, maxBody: Int = 1 << 20, matchAllWait: TimeInterval = 2, maxQueriesPerClient: Int = 2,
        trustedProxies: Set<String> = []
    ) async throws {
        directory = try TemporaryDirectory(prefix: "api")
        let path = directory.file("kechuang.db")
        store = try CatalogStore.create(
            path: path, node: NodeInfo(id: "sichuan", name: "四川省科协", region: Region(code: "sichuan")!, createdAt: "2026-01-01T00:00:00Z"))
        let root = try Ed25519PrivateKey()
        let key = try Ed25519PrivateKey()
        self.root = root
        self.key = key
        _ = try await store.appendKeyStatement(
            KeyStatement.sign(origin: "sichuan", action: .authorize, key: key.publicKey, fromSize: 1, issuedAt: Date(), rootKey: root))
        let records = (0..<records).map { RecordFixture.supply("r\($0)", title: "先进毫米波感知技术\($0)", keywords: ["毫米波"]) }
        let file = try directory.write("records.json", RecordFixture.jsonArray(records))
        _ = try await store.importProjects(from: .file(file))
        try await store.publish(key: key, rootKey: root.publicKey, force: true)
        token = try AdminToken.generate(at: directory.file("admin.token"))
        let store = self.store
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        configuration.maxRequestBodyBytes = maxBody
        var api = NodeAPI.Configuration(
            databasePath: path, store: store, token: AdminToken(path: directory.file("admin.token")),
            publish: { store in try store.publish(key: key, rootKey: root.publicKey) })
        api.maxImportBytes = maxBody
        api.matchAllWait = matchAllWait
        api.maxQueriesPerClient = maxQueriesPerClient
        api.trustedProxies = trustedProxies
        handler = NodeAPI(configuration: api)
        server = try HTTPServer(configuration: configuration, handler: handler)
        try server.start()
    }

    func stop() {
        server.stop()
        client.shutdown()
    }

    func get(_ path: String, headers: [String: String] = [:], method: String = "GET", body: [UInt8]? = nil) async throws -> HTTPClientResponse {
        try await client.execute(HTTPClientRequest(url: base + path, method: method, headers: headers, body: body))
    }

    func admin(_ method: String, _ path: String, _ body: String, contentType: String = "application/json") async throws -> HTTPClientResponse {
        try await get(path, headers: ["Authorization": "Bearer \(token)", "Content-Type": contentType], method: method, body: Array(body.utf8))
    }
}

@Suite struct APITests {
    @Test func feedFilesHaveETagsConditionalAnswersAndGzip() async throws {
        let node = try await ServedNode()
        defer { node.stop() }
        let checkpoint = try await node.get("/feeds/sichuan/checkpoint.json")
        #expect(checkpoint.status == 200)
        #expect(checkpoint.headers["cache-control"] == "no-cache")
        let etag = try #require(checkpoint.headers["etag"])
        #expect(try await node.get("/feeds/sichuan/checkpoint.json", headers: ["If-None-Match": etag]).status == 304)
        #expect(try Checkpoint(bytes: checkpoint.body).size == 301)

        let plain = try await node.get("/feeds/sichuan/pages/0.jsonl")
        #expect(plain.status == 200)
        #expect(plain.headers["content-type"] == "application/jsonl; charset=utf-8")
        #expect(plain.headers["cache-control"] == "public, max-age=31536000, immutable")
        #expect(plain.headers["content-encoding"] == nil)
        let gzipped = try await node.get("/feeds/sichuan/pages/0.jsonl", headers: ["Accept-Encoding": "gzip"])
        #expect(gzipped.headers["content-encoding"] == "gzip")
        #expect(gzipped.headers["etag"] != plain.headers["etag"], "the gzip copy has its own ETag")
        #expect(gzipped.body.count < plain.body.count / 2)
        #expect(try await node.get("/feeds/sichuan/pages/0.jsonl", headers: ["Accept-Encoding": "gzip;q=0"]).headers["content-encoding"] == nil)
        let head = try await node.get("/feeds/sichuan/pages/0.jsonl", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(try await node.get("/feeds/sichuan/pages/1.p45.jsonl").headers["cache-control"] == "public, max-age=60")

        let missing = try await node.get("/feeds/sichuan/pages/9.jsonl")
        #expect(missing.status == 404)
        #expect(try JSONParser.parse(missing.body)["error"]?["status"] == 404)
        let wrongMethod = try await node.get("/feeds/checkpoints.json", method: "POST", body: [])
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "GET, HEAD")
        let badProof = try await node.get("/feeds/sichuan/proof/inclusion?seq=5000&size=301")
        #expect(badProof.status == 400)
    }

    @Test func checkpointsBundleAndManifestCarryKeysAndVerify() async throws {
        let node = try await ServedNode(records: 5)
        defer { node.stop() }
        let bundle = try CheckpointBundle(bytes: try await node.get("/feeds/checkpoints.json").body)
        #expect(bundle.node == "sichuan")
        let entry = try #require(bundle.origins.first)
        var keys = KeyState(origin: "sichuan", rootKey: node.root.publicKey)
        for statement in entry.keyStatements { try keys.add(statement) }
        #expect(try FeedVerifier(origin: "sichuan").verify(entry.checkpoint, keys: keys, now: Date()) == .current)
        let manifest = try NodeManifest(bytes: try await node.get("/.well-known/kechuang/node.json").body)
        #expect(manifest.rootKey == node.root.publicKey)
        #expect(manifest.origins == ["sichuan"])
        #expect(manifest.isSigned(by: node.key.publicKey))
    }

    @Test func adminWritesNeedTheTokenAndArePublishedAtOnce() async throws {
        let node = try await ServedNode(records: 3)
        defer { node.stop() }
        let record = #"{"kind":"technology","title":"新型多用途ORC能量转换技术","summary":"余热发电","industry":"energy_chemical","organization":{"name":"东方电气","type":"enterprise","region":"sichuan"},"valid_through":"2031-01-01","trl":7,"cooperation":["transfer"]}"#
        let anonymous = try await node.get("/v1/projects/orc", method: "PUT", body: Array(record.utf8))
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        let wrong = try await node.get("/v1/projects/orc", headers: ["Authorization": "Bearer nope"], method: "PUT", body: Array(record.utf8))
        #expect(wrong.status == 401)

        let created = try await node.admin("PUT", "/v1/projects/orc", record)
        #expect(created.status == 201)
        #expect(try JSONParser.parse(created.body) == ["id": "sichuan:orc", "version": 1, "outcome": "created"])
        #expect(try await node.admin("PUT", "/v1/projects/orc", record).status == 200)
        #expect(try Checkpoint(bytes: try await node.get("/feeds/sichuan/checkpoint.json").body).size == 5, "the write is in the served checkpoint")
        let search = try JSONParser.parse(try await node.get("/v1/search?q=ORC").body)
        #expect(search["results"]?[0]?["id"] == "sichuan:orc")

        let invalid = try await node.admin("PUT", "/v1/projects/bad", #"{"kind":"technology","title":"坏","trl":12}"#)
        #expect(invalid.status == 400)
        let issues = try JSONParser.parse(invalid.body)["error"]?["issues"]?.arrayValue ?? []
        #expect(issues.contains { $0["field"] == "trl" })
        #expect(try await node.admin("PUT", "/v1/projects/beijing:x", record).status == 400)

        let csv = "id,kind,title,summary,industry,organization.name,organization.type,organization.region,valid_through,trl,cooperation\nc1,technology,光电编码器,编码器,electronics,某所,institute,sichuan,2031-01-01,7,transfer\n"
        let imported = try await node.admin("POST", "/v1/projects/import", csv, contentType: "text/csv")
        #expect(imported.status == 200)
        #expect(try JSONParser.parse(imported.body)["created"] == 1)
        let refused = try await node.admin("POST", "/v1/projects/import", "[{\"id\": \"z\"}]")
        #expect(refused.status == 400)
        #expect(try JSONParser.parse(refused.body)["error"]?["issues"]?[0]?["line"] == 1)

        #expect(try await node.admin("DELETE", "/v1/projects/c1", "").status == 200)
        #expect(try await node.admin("DELETE", "/v1/projects/c1", "").status == 404)
        #expect(try await node.get("/v1/projects/c1").status == 404)
    }

    @Test func tokenRotationTakesEffectAtOnce() async throws {
        let node = try await ServedNode(records: 1)
        defer { node.stop() }
        let old = node.token
        let new = try AdminToken.generate(at: node.directory.file("admin.token"))
        let attributes = try FileManager.default.attributesOfItem(atPath: node.directory.file("admin.token"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let path = "/v1/projects/r0"
        #expect(try await node.get(path, headers: ["Authorization": "Bearer \(old)"], method: "DELETE").status == 401)
        #expect(try await node.get(path, headers: ["Authorization": "Bearer \(new)"], method: "DELETE").status == 200)
    }

    @Test func oversizedBodiesAreRefusedWith413() async throws {
        let node = try await ServedNode(records: 1, maxBody: 64 << 10)
        defer { node.stop() }
        let big = String(repeating: "x", count: 200 << 10)
        #expect(try await node.admin("POST", "/v1/projects/import", big).status == 413)
    }

    @Test func readsMaskContactsAndHealthAndMetricsReport() async throws {
        let node = try await ServedNode(records: 2)
        defer { node.stop() }
        _ = try await node.admin("PUT", "/v1/projects/p", #"{"kind":"achievement","title":"光电编码器","summary":"编码器","industry":"electronics","organization":{"name":"某所","type":"institute","region":"sichuan"},"valid_through":"2031-01-01","trl":7,"cooperation":["transfer"],"contact":{"name":"张三丰","phone":"13812345678"}}"#)
        let project = try JSONParser.parse(try await node.get("/v1/projects/p").body)
        #expect(project["contact"]?["phone"] == "138****5678")
        let health = try JSONParser.parse(try await node.get("/healthz").body)
        #expect(health["status"] == "ok")
        let metrics = String(decoding: try await node.get("/metrics").body, as: UTF8.self)
        #expect(metrics.contains("# TYPE kechuang_http_requests_total counter"))
        #expect(metrics.contains("kechuang_checkpoint_size{origin=\"sichuan\"} 4"))
        #expect(metrics.contains("kechuang_records 3"))
        let stats = try JSONParser.parse(try await node.get("/v1/stats").body)
        #expect(stats["total"] == 3)
    }
}
