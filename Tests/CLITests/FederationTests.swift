import Foundation
import JSON
import TestSupport
import Testing

/// A node of a test federation run by the built binary: its data directory, its server on
/// 127.0.0.1 (a free port) and its root key.
final class FederationNode {
    let id: String
    let cli: CLI
    let root: String
    private(set) var server: BackgroundProcess?
    private(set) var base = ""

    /// Creates the node and imports its sample catalog (`protocols/examples/ID.json`) when there is one.
    init(_ id: String, sample: Bool = true, generated: Int = 0) throws {
        self.id = id
        cli = try CLI()
        let created = try cli.run("init", "--node-id", id, "--name", "\(id) 科协", "--region", id)
        #expect(created.status == 0, "\(created.stderr)")
        root = try #require(try cli.json("keys", "show", "--json")["root"]?["key"]?.stringValue)
        if sample {
            let imported = try cli.run("import", Repository.root + "/protocols/examples/\(id).json")
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        if generated > 0 {
            let file = cli.data.file("generated.json")
            let made = try cli.run("generate", "--region", id, "--count", String(generated), "--seed", "7", "--out", file)
            #expect(made.status == 0, "\(made.stderr)")
            #expect(try cli.run("import", file).status == 0)
        }
    }

    /// Starts `kechuang serve` (with `options` added) and waits until it listens.
    func serve(syncInterval: Int = 0, options: [String] = []) throws {
        let server = try BackgroundProcess(
            Repository.binary,
            ["--data", cli.data.path, "serve", "--listen", "127.0.0.1:0", "--sync-interval", String(syncInterval)] + options)
        self.server = server
        let line = try server.waitForLine(containing: "Serving")
        base = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }).description
    }

    func stop() {
        server?.send(SIGTERM)
        _ = server?.waitForExit(timeout: 20)
    }

    func peer(_ other: FederationNode) throws {
        let added = try cli.run("peer", "add", other.id, other.base, "--root-key", other.root)
        #expect(added.status == 0, "\(added.stderr)")
    }

    func sync() throws -> ProcessResult {
        let result = try cli.run("sync")
        #expect(result.status == 0, "\(id): \(result.stdout)\(result.stderr)")
        return result
    }

    func stats() throws -> JSONValue { try cli.json("stats", "--json") }

    /// The three regions' nodes (with their samples and `generated` projects each), serving,
    /// each pinning and pulling the other two, synced once. The caller stops them.
    static func threeRegions(generated: Int = 0) throws -> [FederationNode] {
        let nodes = try ["sichuan", "beijing", "chongqing"].map { try FederationNode($0, generated: generated) }
        for node in nodes { try node.serve() }
        for node in nodes {
            for other in nodes where other !== node { try node.peer(other) }
        }
        for node in nodes { _ = try node.sync() }
        return nodes
    }

    /// The size of the checkpoint the node serves for its own origin (its writes are served at once).
    func logSize() throws -> Int {
        let checkpoint = try JSONParser.parse(Array(try get("/feeds/\(id)/checkpoint.json").utf8))
        return try #require(checkpoint["size"]?.intValue)
    }

    /// GET `path` from the node's server with curl.
    func get(_ path: String) throws -> String {
        let result = try ProcessRunner.run("/usr/bin/curl", ["-s", "--compressed", "--max-time", "20", base + path], timeout: 60)
        #expect(result.status == 0, "GET \(path): \(result.stderr)")
        return result.stdout
    }
}

/// The federation as operators run it: separate nodes, each `kechuang serve` on 127.0.0.1, pulling
/// each other with `kechuang sync` or `serve --sync-interval`.
@Suite struct FederationTests {
    /// Sichuan, Beijing and Chongqing, each trusting the other two, reach one catalog digest; a
    /// fourth node that reaches Beijing and Chongqing only through Sichuan reaches the same one.
    @Test(.timeLimit(.minutes(5)))
    func threeRegionsAndAFourthThroughARelayReachOneDigest() throws {
        let nodes = try ["sichuan", "beijing", "chongqing"].map { try FederationNode($0, generated: 300) }
        defer { nodes.forEach { $0.stop() } }
        for node in nodes { try node.serve() }
        for node in nodes {
            for other in nodes where other !== node { try node.peer(other) }
        }
        let own = try nodes.map { try #require($0.stats()["by_origin"]?[$0.id]?.intValue) }
        for node in nodes { _ = try node.sync() }

        let stats = try nodes.map { try $0.stats() }
        let digests = stats.map { $0["catalog_digest"]?.stringValue ?? "" }
        #expect(Set(digests).count == 1, "\(digests)")
        #expect(digests[0].count == 64)
        // The clusters by region are a function of the same logs: equal everywhere, one count per
        // region, none above the clusters.
        let byRegion = try #require(stats[0]["clusters_by_region"]?.objectValue)
        #expect(Set(byRegion.keys) == ["sichuan", "beijing", "chongqing"])
        for stat in stats {
            #expect(stat["clusters_by_region"] == stats[0]["clusters_by_region"])
            for count in byRegion.values { #expect((count.intValue ?? 0) <= stat["clusters"]?.intValue ?? 0) }
        }
        for stat in stats {
            #expect(stat["total"]?.intValue == own.reduce(0, +))
            for (node, count) in zip(nodes, own) { #expect(stat["by_origin"]?[node.id]?.intValue == count) }
        }

        // Tianjin pins Beijing's and Chongqing's root keys but only peers with Sichuan.
        let tianjin = try FederationNode("tianjin", sample: false)
        try tianjin.peer(nodes[0])
        for origin in nodes[1...] {
            #expect(try tianjin.cli.run("trust", origin.id, "--root-key", origin.root).status == 0)
        }
        let synced = try tianjin.sync()
        #expect(synced.stdout.contains("origin chongqing: ok 0 → "), "\(synced.stdout)")
        #expect(try tianjin.stats()["catalog_digest"]?.stringValue == digests[0])
        let status = try tianjin.cli.json("peer", "status", "--json")
        let origins = status["origins"]?.arrayValue ?? []
        #expect(origins.count == 3)
        for origin in origins {
            #expect(origin["state"]?.stringValue == "ok", "\(origin)")
            #expect(origin["source"]?.stringValue == "sichuan", "everything came through the relay: \(origin)")
        }
        // Full pages relayed by Sichuan (sealed there, gzip copies made while syncing) are the origin's.
        for origin in nodes[1...] {
            #expect(try nodes[0].get("/feeds/\(origin.id)/pages/0.jsonl") == origin.get("/feeds/\(origin.id)/pages/0.jsonl"))
            #expect(try nodes[0].get("/feeds/\(origin.id)/bodies/0.jsonl") == origin.get("/feeds/\(origin.id)/bodies/0.jsonl"))
        }
        // A second run is one unchanged poll.
        #expect(try tianjin.sync().stdout.contains("peer sichuan: ok (unchanged)"))
    }

    /// An origin rotates its checkpoint key and redacts a record; a node syncing it periodically
    /// (`serve --sync-interval`) follows both without reconfiguration, relays the redaction, and a
    /// node behind that relay sees neither the old body nor the contact; `trust remove` then takes
    /// the origin out of the unified catalog.
    @Test(.timeLimit(.minutes(5)))
    func keyRotationAndRedactionAreFollowedThroughARelayAndTrustRemoveForgets() throws {
        let chongqing = try FederationNode("chongqing")
        defer { chongqing.stop() }
        try chongqing.serve()
        let sichuan = try FederationNode("sichuan")
        defer { sichuan.stop() }
        try sichuan.peer(chongqing)
        try sichuan.serve(syncInterval: 1)
        let server = try #require(sichuan.server)
        _ = try server.waitForLine(containing: "sync: origin chongqing: ok 0 → ")

        let tianjin = try FederationNode("tianjin", sample: false)
        try tianjin.peer(sichuan)
        #expect(try tianjin.cli.run("trust", "chongqing", "--root-key", chongqing.root).status == 0)
        _ = try tianjin.sync()
        let before = try #require(try tianjin.stats()["by_origin"]?["chongqing"]?.intValue)
        // Peers receive the contact as the origin published it: masked.
        let contact = try #require(try tianjin.cli.json("show", "chongqing:cq-ach-001")["contact"]?["phone"]?.stringValue)
        #expect(contact.contains("*") && contact.hasSuffix("0301"), "\(contact)")

        // Rotation, then a record signed under the new key.
        let rotated = try chongqing.cli.run("keys", "rotate")
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let late = try chongqing.cli.data.write("late.json", RecordFixture.jsonArray([
            RecordFixture.supply("cq-late", title: "轮换密钥之后发布的成果")
        ]))
        #expect(try chongqing.cli.run("import", late).status == 0)
        _ = try server.waitForLine(containing: "→ \(try chongqing.logSize()) entries")
        _ = try tianjin.sync()
        #expect(try tianjin.stats()["by_origin"]?["chongqing"]?.intValue == before + 1)
        #expect(try tianjin.cli.json("search", "轮换密钥", "--json")["results"]?[0]?["id"]?.stringValue == "chongqing:cq-late")

        // Redaction at the origin, relayed by Sichuan's periodic sync, applied at Tianjin.
        #expect(try chongqing.cli.run("redact", "cq-ach-001").status == 0)
        let target = try chongqing.logSize()
        _ = try server.waitForLine(containing: "→ \(target) entries")
        let relayed = try sichuan.get("/feeds/chongqing/bodies/0.p\(target).jsonl")
        #expect(relayed.contains("kechuang.redacted"), "Sichuan relays the markers")
        #expect(!relayed.contains(contact), "and never the erased body")
        _ = try tianjin.sync()
        let shown = try tianjin.cli.json("show", "chongqing:cq-ach-001")
        #expect(shown["contact"] == nil || shown["contact"] == .null, "\(shown)")
        #expect(shown["title"]?.stringValue?.isEmpty == false, "the record stays listed without its personal data")

        // The relay's sync state, as peers and dashboards read it.
        let peers = try JSONParser.parse(Array(try sichuan.get("/v1/peers").utf8))
        #expect(peers["peers"]?[0]?["id"]?.stringValue == "chongqing")
        #expect(peers["peers"]?[0]?["state"]?.stringValue == "ok")
        #expect(peers["origins"]?.arrayValue?.first { $0["origin"]?.stringValue == "chongqing" }?["state"]?.stringValue == "ok")

        // Forgetting the origin takes its records out of the unified catalog.
        let removed = try tianjin.cli.run("trust", "remove", "chongqing")
        #expect(removed.status == 0, "\(removed.stderr)")
        let after = try tianjin.stats()
        #expect(after["by_origin"]?["chongqing"] == nil)
        #expect(after["total"]?.intValue == after["by_origin"]?["sichuan"]?.intValue, "only Sichuan's records are left: \(after)")
        #expect(try tianjin.cli.run("peer", "remove", "sichuan").status == 0)
        let list = try tianjin.cli.json("peer", "list", "--json")
        #expect(list["peers"]?.arrayValue?.isEmpty == true, "\(list)")
    }
}
