import Catalog
import Feed
import Foundation
import HTTPClient
import JSON
import Signing
import SQLite
import Store
import Sync
import TestSupport
import Testing

/// Typed objects in kechuang-feed/1 (issue 12 item 1): entries whose id is `O:~<type>.<local>`.
///
/// `protocols/examples/deals/typed-log` is a log of origin `typedland` holding projects and typed objects (a
/// deal, and an object of a type no reader knows), with `fixture.json`: what the version of the
/// node before typed objects existed computed for it (the project digest, and which entries it
/// ignored). `KECHUANG_WRITE_FIXTURES=1 swift test --filter TypedObjectTests` rewrites it (fixed
/// keys, fixed times: the same bytes every time).
@Suite(.serialized) struct TypedObjectTests {
    static let directory = Repository.example("deals/typed-log")
    static let origin = "typedland"
    /// The checkpoint's issue time; the log is read one hour later, within its validity.
    static let issuedAt = DateText.parseTimestamp("2026-12-05T00:00:00Z")!
    static var syncAt: Date { issuedAt.addingTimeInterval(3600) }

    /// The test-only root and checkpoint keys of `typedland` (fixed seeds; never use them).
    static func keys() throws -> (root: Ed25519PrivateKey, key: Ed25519PrivateKey) {
        (try Ed25519PrivateKey(seed: (0..<32).map { 0x70 + UInt8($0) }), try Ed25519PrivateKey(seed: (0..<32).map { 0x90 + UInt8($0) }))
    }

    /// A deal body in the shape of `kechuang.deal/1`.
    static func deal(stage: String, events: [(String, String, String)]) -> [String: JSONValue] {
        [
            "id": "typedland:~deal.d-0001", "type": "kechuang.deal/1", "demand": "typedland:c1", "supply": "typedland:s1",
            "finance": [], "stage": .string(stage), "status": "open",
            "service_agent": ["name": "科服保姆（测试）", "organization": "typedland 科协", "phone": "028-00000000"],
            "amount": "1200000.00", "contract": "TL-2026-001",
            "events": .array(events.map { ["date": .string($0.0), "stage": .string($0.1), "note": .string($0.2)] }), "same_as": [],
            "created_at": "2026-12-04T09:00:00Z", "updated_at": "2026-12-04T10:00:00Z",
        ]
    }

    /// The log's files by URL path: a key statement, four projects, a deal at two versions and an
    /// object of type `example`, interleaved.
    static func build() async throws -> (files: [String: [UInt8]], root: Ed25519PublicKey, size: Int) {
        let (root, key) = try keys()
        let directory = try TemporaryDirectory(prefix: "typed-log")
        let store = try CatalogStore.create(
            path: directory.file("kechuang.db"),
            node: NodeInfo(id: origin, name: "typedland 科协", region: Region(code: "sichuan")!, createdAt: "2026-01-01T00:00:00Z"))
        let time = issuedAt.addingTimeInterval(-3600)
        let statement = try KeyStatement.sign(origin: origin, action: .authorize, key: key.publicKey, fromSize: 1, issuedAt: time, rootKey: root)
        _ = try await store.appendKeyStatement(statement, now: time)
        let first = [
            RecordFixture.challenge("c1", title: "高寒地区风电叶片覆冰问题", industry: "energy_chemical", region: "sichuan"),
            RecordFixture.supply("s1", title: "风电叶片电热除冰技术", industry: "energy_chemical", organization: "西南交通大学"),
            RecordFixture.supply("s2", title: "超疏水防覆冰涂层", industry: "materials", organization: "四川大学"),
        ]
        _ = try await store.importProjects(from: .file(try directory.write("first.json", RecordFixture.jsonArray(first))), now: time)
        _ = try await store.putObject(deal(stage: "matchmaking", events: [("2026-12-04", "matchmaking", "首次对接洽谈")]), now: time)
        let second = [RecordFixture.supply("s3", title: "叶片覆冰在线监测系统", industry: "energy_chemical", organization: "电子科技大学")]
        _ = try await store.importProjects(from: .file(try directory.write("second.json", RecordFixture.jsonArray(second))), now: time)
        _ = try await store.putObject(
            deal(stage: "signing", events: [("2026-12-04", "matchmaking", "首次对接洽谈"), ("2026-12-05", "signing", "签约")]), now: time)
        _ = try await store.putObject(["id": "typedland:~example.x1", "type": "kechuang.example/1", "note": "a type no reader knows"], now: time)
        let checkpoint = try unwrap(try await store.publish(key: key, rootKey: root.publicKey, now: issuedAt, force: true), "a checkpoint")
        let snapshot = try ChongqingFeed.snapshot(
            try FeedReader(path: directory.file("kechuang.db")), checkpoint, statements: [statement], origin: origin)
        return (snapshot.files, root.publicKey, checkpoint.size)
    }

    /// Serves `files` as `typedland`'s peer and syncs a fresh node "sichuan" that pins its root.
    static func sync(_ files: [String: [UInt8]], root: Ed25519PublicKey) async throws -> (report: SyncReport, directory: TemporaryDirectory, store: CatalogStore) {
        let server = try TestServer(HostileFiles(files).handler)
        defer { server.stop() }
        let (directory, store) = try ServedStore.create("sichuan")
        try await store.trust(origin, rootKey: root)
        try await store.addPeer(Peer(id: origin, url: server.baseURL, mirrors: [], addedAt: "2026-01-01T00:00:00Z"))
        let client = HTTPClient(maxConcurrent: 4)
        defer { client.shutdown() }
        let report = try await SyncPipeline(store: store, client: client).run(ignoreBreaker: true, now: syncAt)
        try await store.refreshUnified()
        return (report, directory, store)
    }

    /// The committed fixture's files and facts.
    static func fixture() throws -> (files: [String: [UInt8]], facts: JSONValue) {
        let facts = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/fixture.json"))))
        var files: [String: [UInt8]] = [:]
        for path in facts["files"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            files[path] = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/files" + path)))
        }
        return (files, facts)
    }

    @Test(.timeLimit(.minutes(10)))
    func theCommittedLogIsWhatTheGeneratorMakes() async throws {
        let built = try await Self.build()
        if ProcessInfo.processInfo.environment["KECHUANG_WRITE_FIXTURES"] == "1" {
            let (report, directory, _) = try await Self.sync(built.files, root: built.root)
            _ = report
            let catalog = try CatalogReader(path: directory.file("kechuang.db"))
            let digest = try catalog.catalogDigest()
            let ignored = try FederationReader(path: directory.file("kechuang.db")).ignoredEntries(Self.origin)
            try? FileManager.default.removeItem(atPath: Self.directory)  // rewritten whole below
            for (path, bytes) in built.files {
                let file = Self.directory + "/files" + path
                try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(bytes).write(to: URL(fileURLWithPath: file))
            }
            let facts: JSONValue = [
                "origin": .string(Self.origin), "root_key": .string(Hex.encode(built.root.rawRepresentation)), "size": .number(Double(built.size)),
                "sync_at": .string(DateText.timestamp(Self.syncAt)), "files": .array(built.files.keys.sorted().map(JSONValue.string)),
                "computed_by": "the node before typed objects existed (commit of this fixture)",
                "catalog_digest": .string(digest.digest), "clusters": .number(Double(digest.clusters)),
                "ignored_then": .array(ignored.map { ["seq": .number(Double($0.seq)), "id": .string($0.id)] }),
            ]
            try Data((JSONWriter.string(facts, pretty: true) + "\n").utf8).write(to: URL(fileURLWithPath: Self.directory + "/fixture.json"))
        }
        let (files, facts) = try Self.fixture()
        #expect(files == built.files, "regenerate with KECHUANG_WRITE_FIXTURES=1 swift test --filter TypedObjectTests")
        #expect(facts["root_key"]?.stringValue == Hex.encode(built.root.rawRepresentation))
    }

    /// A node syncs the committed log without an error state, holds every entry, and computes
    /// the project digest the node before typed objects computed.
    @Test(.timeLimit(.minutes(10)))
    func aLogWithTypedObjectsSyncsWithTheSameProjectDigest() async throws {
        let (files, facts) = try Self.fixture()
        let root = try Ed25519PublicKey(rawRepresentation: try unwrap(Hex.decode(facts["root_key"]?.stringValue ?? ""), "root_key"))
        let (report, directory, store) = try await Self.sync(files, root: root)
        let result = try #require(report.origins.first { $0.origin == Self.origin })
        #expect(result.state == .ok, "\(result)")
        #expect(try await store.logPosition(Self.origin).size == facts["size"]?.intValue)
        let digest = try CatalogReader(path: directory.file("kechuang.db")).catalogDigest()
        #expect(digest.digest == facts["catalog_digest"]?.stringValue)
        #expect(digest.clusters == facts["clusters"]?.intValue)
        // The node before typed objects ignored and reported them; now they are skipped quietly.
        let typed = (facts["ignored_then"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        #expect(typed == ["typedland:~deal.d-0001", "typedland:~deal.d-0001", "typedland:~example.x1"])
        #expect(try FederationReader(path: directory.file("kechuang.db")).ignoredEntries(Self.origin).isEmpty)

        // Relayed verbatim: a node that syncs from this one holds the same log, byte for byte.
        let relay = try ServedStore(directory: directory, store: store)
        defer { relay.stop() }
        let (thirdDirectory, third) = try ServedStore.create("beijing")
        try await third.trust(Self.origin, rootKey: root)
        try await third.addPeer(Peer(id: "sichuan", url: relay.base, mirrors: [], addedAt: "2026-01-01T00:00:00Z"))
        let client = HTTPClient(maxConcurrent: 4)
        defer { client.shutdown() }
        let relayed = try await SyncPipeline(store: third, client: client).run(ignoreBreaker: true, now: Self.syncAt)
        #expect(relayed.origins.first { $0.origin == Self.origin }?.state == .ok, "\(relayed)")
        let page = FeedPath.page(Self.origin, 0, width: facts["size"]?.intValue ?? 0)
        let held = try FeedReader(path: third.path).file(try unwrap(FeedPath.resource(page), page))?.bytes
        #expect(held == files[page])
        withExtendedLifetime(thirdDirectory) {}
    }
}

extension TypedObjectTests {
    /// `putObject` writes only this origin's typed objects, with the type their id names, and
    /// numbers their versions.
    @Test func putObjectChecksTheIdAndTypeAndNumbersVersions() async throws {
        let (directory, store) = try ServedStore.create("sichuan")
        for bad: [String: JSONValue] in [
            ["id": "sichuan:d1", "type": "kechuang.deal/1"], ["id": "beijing:~deal.d1", "type": "kechuang.deal/1"],
            ["id": "sichuan:~deal.d1", "type": "kechuang.roadshow/1"], ["id": "sichuan:~deal.d1"],
        ] {
            await #expect(throws: StoreError.self, "\(bad)") { try await store.putObject(bad) }
        }
        let deal: [String: JSONValue] = [
            "id": "sichuan:~deal.d1", "type": "kechuang.deal/1", "demand": "chongqing:c1", "supply": "sichuan:s1", "stage": "matchmaking",
            "status": "open", "created_at": "2026-12-04T09:00:00Z", "updated_at": "2026-12-04T09:00:00Z",
        ]
        var broken = deal
        broken["stage"] = "negotiating"
        await #expect(throws: StoreError.self) { try await store.putObject(broken) }
        #expect(try await store.logPosition("sichuan").size == 0, "nothing written")
        let first = try await store.putObject(deal)
        let second = try await store.putObject(deal.merging(["status": "closed"]) { $1 })
        #expect((first.version, second.version) == (1, 2))
        withExtendedLifetime(directory) {}
    }
}

extension TypedObjectTests {
    /// A node that synced deals before it knew them (they were ignored and reported) takes them
    /// in when it upgrades: migration 11 folds the typed entries its logs hold.
    @Test(.timeLimit(.minutes(10)))
    func anUpgradedNodeFoldsTheDealsItSyncedBefore() async throws {
        let (files, facts) = try Self.fixture()
        let root = try Ed25519PublicKey(rawRepresentation: try unwrap(Hex.decode(facts["root_key"]?.stringValue ?? ""), "root_key"))
        let (_, directory, _) = try await Self.sync(files, root: root)
        let path = directory.file("kechuang.db")
        // Take the store back to the version before typed objects, as that version left it.
        let connection = try Connection(path: path)
        try connection.execute("DROP TABLE typed_objects; PRAGMA user_version = 10")
        for item in facts["ignored_then"]?.arrayValue ?? [] {
            try connection.run(
                "INSERT INTO ignored_entries (origin, seq, id, reason) VALUES (?, ?, ?, 'not a well-formed record id')",
                [.text(Self.origin), .integer(Int64(item["seq"]?.intValue ?? -1)), .text(item["id"]?.stringValue ?? "")])
        }
        #expect(try FederationReader(path: path).ignoredEntries(Self.origin).count == 3)
        _ = try CatalogStore(path: path)  // opening migrates
        let deals = try CatalogReader(path: path).deals()
        #expect(deals.map(\.id.description) == ["typedland:~deal.d-0001"])
        #expect(deals.first?.version == 2 && deals.first?.stage == .signing)
        #expect(try FederationReader(path: path).ignoredEntries(Self.origin).isEmpty)
    }
}
