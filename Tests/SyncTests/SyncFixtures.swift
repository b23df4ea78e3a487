import API
import Catalog
import Feed
import Foundation
import HTTPClient
import HTTPServer
import JSON
import Signing
import Store
import Sync
import Synchronization
import TestSupport
import Testing

// Fixtures of the hostile-peer tests: chongqing's honest feed (built once, kept as bytes), an honest
// peer (beijing) and the syncing node (sichuan), each served in process, and a hostile server that
// answers with chongqing's honest bytes except where a case tampers with them.

// MARK: - Chongqing's feed, built once

/// The files of chongqing's feed at one checkpoint, by URL path, exactly as chongqing serves them.
struct FeedSnapshot: Sendable {
    let checkpoint: Checkpoint
    var files: [String: [UInt8]]

    var checkpoints: [UInt8] { files[FeedPath.checkpoints]! }
    func page(_ page: Int) -> String { FeedPath.page("chongqing", page, width: min(256, checkpoint.size - page * 256)) }
    func bodies(_ page: Int) -> String { FeedPath.bodies("chongqing", page, width: min(256, checkpoint.size - page * 256)) }
}

/// The origin "chongqing": its keys and snapshots of its feed, honest and forked.
///
/// The honest log holds a key statement and 300 records (size 301, checkpoint `small`), then 50
/// more (size 351, checkpoint `current`). The forked log is signed with the same keys and shares
/// the first 290 entries, then tells another story, to size 351 (`fork`). A third log, also
/// signed with the same keys, differs from entry 51 on and stops at size 101 (`earlyFork`).
struct ChongqingFeed: Sendable {
    static let origin = "chongqing"
    let root: Ed25519PrivateKey
    let key: Ed25519PrivateKey
    /// The key statements of the log (the authorisation of `key` from size 1).
    let statements: [KeyStatement]
    let small: FeedSnapshot
    let current: FeedSnapshot
    let fork: FeedSnapshot
    let earlyFork: FeedSnapshot

    /// Built on first use and shared by every test (immutable bytes; each test serves its own copy).
    static let shared = Task<ChongqingFeed, any Error> { try await ChongqingFeed.build() }

    static func build() async throws -> ChongqingFeed {
        let root = try Ed25519PrivateKey()
        let key = try Ed25519PrivateKey()
        // Entries carry fixed times, so the two logs agree byte for byte where they share records.
        let time = Date().addingTimeInterval(-3600)
        let statement = try KeyStatement.sign(
            origin: origin, action: .authorize, key: key.publicKey, fromSize: 1, issuedAt: time, rootKey: root)
        let records = (0..<350).map { supply($0, title: "重庆高端装备技术\($0)") }

        let honest = try TemporaryDirectory(prefix: "sync-chongqing")
        let store = try await makeStore(honest, statement: statement, time: time, batches: [Array(records[..<300]), Array(records[300...])],
                                        root: root, key: key)
        let forked = try TemporaryDirectory(prefix: "sync-chongqing-fork")
        let forkRecords = Array(records[..<289]) + (289..<350).map { supply($0, title: "另一段历史\($0)") }
        let forkStore = try await makeStore(forked, statement: statement, time: time, batches: [forkRecords], root: root, key: key)

        let early = try TemporaryDirectory(prefix: "sync-chongqing-early")
        let earlyRecords = Array(records[..<50]) + (50..<100).map { supply($0, title: "早先分叉\($0)") }
        let earlyStore = try await makeStore(early, statement: statement, time: time, batches: [earlyRecords], root: root, key: key)

        let statements = [statement]
        let honestReader = try FeedReader(path: honest.file("kechuang.db"))
        let forkReader = try FeedReader(path: forked.file("kechuang.db"))
        let small = try snapshot(honestReader, store.checkpoints[0], statements: statements)
        let current = try snapshot(honestReader, store.checkpoints[1], statements: statements)
        let fork = try snapshot(forkReader, forkStore.checkpoints[0], statements: statements)
        let earlyFork = try snapshot(try FeedReader(path: early.file("kechuang.db")), earlyStore.checkpoints[0], statements: statements)
        // The honest bundle of the current checkpoint is exactly what chongqing serves.
        let served = try honestReader.file(.checkpoints)?.bytes
        guard current.checkpoints == served else { throw FixtureError(description: "the snapshot's checkpoints.json differs from chongqing's") }
        return ChongqingFeed(
            root: root, key: key, statements: statements, small: small, current: current, fork: fork, earlyFork: earlyFork)
    }

    static func supply(_ index: Int, title: String) -> JSONValue {
        RecordFixture.supply("r\(index)", title: title, keywords: ["装备"], organization: "重庆大学", region: "chongqing")
    }

    /// A chongqing store: the key statement, then each batch imported and published.
    private static func makeStore(
        _ directory: TemporaryDirectory, statement: KeyStatement, time: Date, batches: [[JSONValue]], root: Ed25519PrivateKey,
        key: Ed25519PrivateKey
    ) async throws -> (store: CatalogStore, checkpoints: [Checkpoint]) {
        let store = try CatalogStore.create(
            path: directory.file("kechuang.db"),
            node: NodeInfo(id: origin, name: "重庆市科学技术协会", region: Region(code: "chongqing")!, createdAt: "2026-01-01T00:00:00Z"))
        _ = try await store.appendKeyStatement(statement, now: time)
        var checkpoints: [Checkpoint] = []
        for (index, batch) in batches.enumerated() {
            let file = try directory.write("records-\(index).json", RecordFixture.jsonArray(batch))
            _ = try await store.importProjects(from: .file(file), now: time)
            checkpoints.append(try unwrap(try await store.publish(key: key, rootKey: root.publicKey, force: true), "a checkpoint"))
        }
        return (store, checkpoints)
    }

    /// Every file a reader starting from nothing fetches to reach `checkpoint`, with the bundle
    /// and the checkpoint and key documents.
    static func snapshot(_ reader: FeedReader, _ checkpoint: Checkpoint, statements: [KeyStatement], origin: String = origin) throws -> FeedSnapshot {
        var files: [String: [UInt8]] = [:]
        files[FeedPath.checkpoints] = try CheckpointBundle(
            node: origin, origins: [.init(origin: origin, checkpoint: checkpoint, keyStatements: statements)]).bytes
        files[FeedPath.checkpoint(origin)] = checkpoint.bytes
        files[FeedPath.keys(origin)] = try KeyStatementList.bytes(origin: origin, statements: statements)
        var paths = [FeedPath.pageRoots(origin, size: checkpoint.size)]
        for step in SyncPlan.pages(held: 0, target: checkpoint.size) {
            paths.append(FeedPath.page(origin, step.page, width: step.width))
            paths.append(FeedPath.bodies(origin, step.page, width: step.width))
        }
        for path in paths {
            files[path] = try unwrap(try reader.file(unwrap(FeedPath.resource(path), path))?.bytes, path)
        }
        return FeedSnapshot(checkpoint: checkpoint, files: files)
    }

    /// checkpoints.json offering `checkpoint` (an object, possibly tampered with) and `statements`.
    static func bundle(checkpoint: [String: JSONValue], statements: [KeyStatement]) throws -> [UInt8] {
        try JCS.canonicalize([
            "type": .string(CheckpointBundle.type), "node": .string(origin),
            "origins": [["origin": .string(origin), "checkpoint": .object(checkpoint), "key_statements": .array(statements.map { .object($0.object) })]],
        ])
    }
}

// MARK: - Byte surgery

enum Surgery {
    /// `file` with line `line` (0-based) replaced by `transform(line)`.
    static func line(_ file: [UInt8], _ line: Int, _ transform: ([UInt8]) -> [UInt8]) -> [UInt8] {
        var lines = file.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        lines[line] = transform(lines[line])
        return Array(lines.joined(separator: [0x0A]))
    }

    /// The index of the first byte after the first occurrence of `marker` in `bytes`.
    static func after(_ marker: String, in bytes: [UInt8]) -> Int {
        let range = bytes.firstRange(of: Array(marker.utf8))!
        return range.upperBound
    }

    /// `bytes` with the byte at `index` replaced by `byte`.
    static func setting(_ bytes: [UInt8], at index: Int, to byte: UInt8) -> [UInt8] {
        var copy = bytes
        copy[index] = byte
        return copy
    }

    /// Another byte of the same class (hex digit, base64 or ASCII letter), so the text stays well-formed.
    static func flipped(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "8"), UInt8(ascii: "a")...UInt8(ascii: "e"), UInt8(ascii: "A")...UInt8(ascii: "Y"): byte + 1
        case UInt8(ascii: "9"), UInt8(ascii: "f")...UInt8(ascii: "z"), UInt8(ascii: "Z"): byte - 1
        default: UInt8(ascii: "A")
        }
    }
}

/// A fixture that could not be built.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

func unwrap<T>(_ value: T?, _ what: String) throws -> T {
    guard let value else { throw FixtureError(description: what) }
    return value
}

// MARK: - The hostile server

/// What the hostile chongqing server serves: honest files by path, and the tampering of the case
/// (a handler for some paths, or for every path).
final class HostileFiles: Sendable {
    private struct State {
        var files: [String: [UInt8]] = [:]
        var overrides: [String: TestHandler] = [:]
        var everything: TestHandler?
        var statuses: [Int] = []
    }

    private let state = Mutex(State())

    init(_ files: [String: [UInt8]]) { state.withLock { $0.files = files } }

    /// Serves `snapshot` honestly from now on (overrides removed).
    func serve(_ snapshot: FeedSnapshot) {
        state.withLock {
            $0.files = snapshot.files
            $0.overrides = [:]
            $0.everything = nil
        }
    }

    func replace(_ path: String, with bytes: [UInt8]) { state.withLock { $0.files[path] = bytes } }
    func override(_ path: String, _ handler: @escaping TestHandler) { state.withLock { $0.overrides[path] = handler } }
    func overrideEverything(_ handler: @escaping TestHandler) { state.withLock { $0.everything = handler } }
    func file(_ path: String) -> [UInt8]? { state.withLock { $0.files[path] } }

    /// The statuses of the files answered (honest or tampered bytes), in order.
    var statuses: [Int] { state.withLock { $0.statuses } }

    /// The server's handler: the override, else the file (304 for a matching ETag), else 404.
    var handler: TestHandler {
        { [self] request, connection in
            let path = String(request.path.prefix { $0 != "?" })
            let (special, bytes) = state.withLock { ($0.everything ?? $0.overrides[path], $0.files[path]) }
            if let special { return special(request, connection) }
            guard let bytes else {
                return connection.write(httpResponse(
                    status: 404, reason: "Not Found", headers: [("Content-Type", "application/json; charset=utf-8")],
                    body: Array(#"{"error":{"message":"no such feed file","status":404}}"#.utf8)))
            }
            let etag = "\"" + Hex.encode(SHA256.hash(bytes).prefix(16)) + "\""
            let status = request.headers["if-none-match"] == etag ? 304 : 200
            state.withLock { $0.statuses.append(status) }
            let type = path.hasSuffix(".jsonl") ? "application/jsonl; charset=utf-8" : "application/json; charset=utf-8"
            if status == 304 {
                return connection.write(httpResponse(status: 304, reason: "Not Modified", headers: [("ETag", etag)]))
            }
            return connection.write(httpResponse(headers: [("ETag", etag), ("Content-Type", type)], body: bytes))
        }
    }
}

// MARK: - Nodes served in process

/// A node's store served by the real server and API on 127.0.0.1.
final class ServedStore: Sendable {
    let directory: TemporaryDirectory
    let store: CatalogStore
    let server: HTTPServer
    var base: String { "http://127.0.0.1:\(server.port)" }

    init(directory: TemporaryDirectory, store: CatalogStore) throws {
        self.directory = directory
        self.store = store
        _ = try AdminToken.generate(at: directory.file("admin.token"))
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        configuration.threads = 2
        let api = NodeAPI.Configuration(
            databasePath: store.path, store: store, token: AdminToken(path: directory.file("admin.token")), publish: { _ in })
        server = try HTTPServer(configuration: configuration, handler: NodeAPI(configuration: api))
        try server.start()
    }

    func stop() { server.stop() }

    /// A new node's store in a directory of its own.
    static func create(_ id: String) throws -> (TemporaryDirectory, CatalogStore) {
        let directory = try TemporaryDirectory(prefix: "sync-\(id)")
        let store = try CatalogStore.create(
            path: directory.file("kechuang.db"),
            node: NodeInfo(id: id, name: "\(id) 科协", region: Region(code: id)!, createdAt: "2026-01-01T00:00:00Z"))
        return (directory, store)
    }

    /// The honest peer: "beijing" with 20 records and a checkpoint of size 21.
    static func beijing() async throws -> (node: ServedStore, root: Ed25519PublicKey) {
        let (directory, store) = try create("beijing")
        let root = try Ed25519PrivateKey()
        let key = try Ed25519PrivateKey()
        _ = try await store.appendKeyStatement(
            KeyStatement.sign(origin: "beijing", action: .authorize, key: key.publicKey, fromSize: 1, issuedAt: Date(), rootKey: root))
        let records = (0..<20).map { RecordFixture.supply("b\($0)", title: "北京量子通信技术\($0)", organization: "清华大学", region: "beijing") }
        _ = try await store.importProjects(from: .file(try directory.write("records.json", RecordFixture.jsonArray(records))))
        try await store.publish(key: key, rootKey: root.publicKey, force: true)
        return (try ServedStore(directory: directory, store: store), root.publicKey)
    }
}

/// Three nodes for one case: the honest peer beijing, the hostile chongqing server and the
/// syncing node sichuan, which trusts both origins and has both as peers.
final class Federation: Sendable {
    static let beijingSize = 21

    let feed: ChongqingFeed
    let beijing: ServedStore
    let sichuan: ServedStore
    let files: HostileFiles
    let hostile: TestServer
    let client = HTTPClient(maxConcurrent: 8)
    let chongqingURL: String

    var store: CatalogStore { sichuan.store }

    /// - Parameter refused: chongqing's peer URL is a port where nothing listens.
    init(serving snapshot: @Sendable (ChongqingFeed) -> FeedSnapshot = { $0.current }, refused: Bool = false) async throws {
        feed = try await ChongqingFeed.shared.value
        files = HostileFiles(snapshot(feed).files)
        hostile = try TestServer(files.handler)
        let (beijing, beijingRoot) = try await ServedStore.beijing()
        self.beijing = beijing
        let (directory, store) = try ServedStore.create("sichuan")
        chongqingURL = refused ? "http://127.0.0.1:\(try TestServer.closedPort())" : hostile.baseURL
        try await store.trust("beijing", rootKey: beijingRoot)
        try await store.trust("chongqing", rootKey: feed.root.publicKey)
        try await store.addPeer(Peer(id: "beijing", url: beijing.base, mirrors: [], addedAt: "2026-01-01T00:00:00Z"))
        try await store.addPeer(Peer(id: "chongqing", url: chongqingURL, mirrors: [], addedAt: "2026-01-01T00:00:00Z"))
        sichuan = try ServedStore(directory: directory, store: store)
    }

    func stop() {
        hostile.stop()
        beijing.stop()
        sichuan.stop()
        client.shutdown()
    }

    /// One sync of every peer, with a short retry policy and tight limits so each case ends quickly.
    func sync(now: Date = Date()) async throws -> SyncReport {
        var pipeline = SyncPipeline(store: store, client: client)
        pipeline.policy.attempts = 2
        pipeline.policy.initialDelay = .milliseconds(50)
        pipeline.limits = HTTPClientLimits(connectTimeout: 2, totalTimeout: 20, lowSpeedLimit: 1024, lowSpeedTime: 2)
        return try await pipeline.run(ignoreBreaker: true, now: now)
    }

    func size(_ origin: String = "chongqing") async throws -> Int { try await store.logPosition(origin).size }

    func status(_ origin: String = "chongqing") throws -> OriginStatus? {
        try FederationReader(path: store.path).origins().first { $0.origin == origin }
    }

    /// GETs `path` from sichuan's own server.
    func sichuanStatus(_ path: String) async throws -> Int {
        try await client.execute(HTTPClientRequest(url: sichuan.base + path)).status
    }

    /// What every case checks besides its own verdict: beijing synced in the same run, and sichuan
    /// still serves.
    func expectBystandersFine(_ report: SyncReport, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let beijing = report.peers.first { $0.peer == "beijing" }
        #expect(beijing?.ok == true, "beijing: \(beijing?.error ?? "no result")", sourceLocation: sourceLocation)
        let origin = report.origins.first { $0.origin == "beijing" }
        #expect(origin?.state == .ok, sourceLocation: sourceLocation)
        #expect(try await size("beijing") == Self.beijingSize, sourceLocation: sourceLocation)
        #expect(try await sichuanStatus("/healthz") == 200, sourceLocation: sourceLocation)
        #expect(try await sichuanStatus("/feeds/checkpoints.json") == 200, sourceLocation: sourceLocation)
    }
}

extension SyncReport {
    func peer(_ id: String) -> PeerResult? { peers.first { $0.peer == id } }
    func origin(_ id: String) -> OriginResult? { origins.first { $0.origin == id } }
}
