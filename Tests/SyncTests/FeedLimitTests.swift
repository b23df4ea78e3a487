import Catalog
import Feed
import Foundation
import HTTPClient
import JSON
import Signing
import Store
import Sync
import TestSupport
import Testing

// What a node publishes, its peers can sync (feed.md §3, `FeedLimits`): a publisher refuses a
// record whose body line would exceed `FeedLimits.recordLine`, so its body files stay within the
// 64 MiB that every reader holds; and a reader accepts every page feed.md allows, reading a larger
// body file from disk, line by line.

/// Records whose published body line has an exact length, padded with an extension field.
private enum SizedRecord {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    /// A record in the import form whose published body (as `origin` publishes it at version 1
    /// at `time`) is exactly `bytes` long.
    static func json(_ id: String, origin: String, region: String, bytes: Int) throws -> JSONValue {
        func padded(_ count: Int) -> JSONValue {
            RecordFixture.supply(
                id, title: "大尺寸记录\(id)", organization: "重庆大学", region: region,
                extra: ["x_padding": .string(String(repeating: "a", count: count))])
        }
        let value = padded(bytes - (try published(padded(0), origin: origin).count))
        let length = try published(value, origin: origin).count
        guard length == bytes else { throw FixtureError(description: "a record of \(length) bytes, not \(bytes)") }
        return value
    }

    /// The body line `origin` publishes for `value` at version 1 at `time`.
    static func published(_ value: JSONValue, origin: String) throws -> [UInt8] {
        var project = try ProjectDecoder(mode: .importing(origin: origin)).decode(value)
        project.version = 1
        project.createdAt = DateText.timestamp(time)
        project.updatedAt = DateText.timestamp(time)
        return try project.publishedBody()
    }
}

/// An origin's feed made entry by entry, as any implementation of feed.md may publish it, held
/// as the files a static server serves.
private struct HandmadeFeed {
    static let origin = "chongqing"
    let root = try! Ed25519PrivateKey()
    let key = try! Ed25519PrivateKey()
    private(set) var lines: [[UInt8]] = []
    private(set) var bodies: [[UInt8]] = []
    private var statement: KeyStatement

    init() throws {
        statement = try KeyStatement.sign(
            origin: Self.origin, action: .authorize, key: key.publicKey, fromSize: 1, issuedAt: SizedRecord.time, rootKey: root)
        append(.key, id: LogEntry.keysID(origin: Self.origin), version: 1, body: statement.bytes)
    }

    /// Appends `count` puts whose bodies are `template` with its id and title numbered.
    ///
    /// The template record's id must end in `-0000`; every copy keeps the body's length.
    mutating func put(_ count: Int, like template: [UInt8], prefix: String) {
        let marker = Array((prefix + "-0000").utf8)
        let places = template.indices.filter { template[$0...].starts(with: marker) }.map { $0 + marker.count - 4 }
        for number in 0..<count {
            let digits = Array(String(number + 10_000).utf8.dropFirst())
            var body = template
            for place in places { body.replaceSubrange(place..<place + 4, with: digits) }
            append(.put, id: "\(Self.origin):\(prefix)-\(String(decoding: digits, as: UTF8.self))", version: 1, body: body)
        }
    }

    private mutating func append(_ op: LogEntry.Operation, id: String, version: Int, body: [UInt8]) {
        let entry = try! LogEntry(
            seq: lines.count, op: op, id: id, version: version, time: DateText.timestamp(SizedRecord.time), bodyHash: SHA256.hash(body))
        lines.append(entry.line)
        bodies.append(body)
    }

    /// A JSON Lines file: each line followed by one LF.
    static func file(_ lines: ArraySlice<[UInt8]>) -> [UInt8] {
        var file: [UInt8] = []
        file.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for line in lines {
            file.append(contentsOf: line)
            file.append(0x0A)
        }
        return file
    }

    /// The files of the whole log, signed now.
    func files() throws -> [String: [UInt8]] {
        let size = lines.count
        let leaves = lines.map { Merkle.leafHash($0) }
        let full = size / Feed.pageSize
        let roots = PageRoots(
            origin: Self.origin, size: size,
            pageRoots: (0..<full).map { Merkle.root(leafHashes: leaves[$0 * Feed.pageSize..<($0 + 1) * Feed.pageSize]) },
            tailRoot: size % Feed.pageSize == 0 ? nil : Merkle.root(leafHashes: leaves[full * Feed.pageSize..<size]))
        let checkpoint = try Checkpoint.sign(origin: Self.origin, size: size, root: roots.root, issuedAt: Date(), key: key)
        var files: [String: [UInt8]] = [
            FeedPath.checkpoints: try CheckpointBundle(
                node: Self.origin, origins: [.init(origin: Self.origin, checkpoint: checkpoint, keyStatements: [statement])]).bytes,
            FeedPath.checkpoint(Self.origin): checkpoint.bytes,
            FeedPath.keys(Self.origin): try KeyStatementList.bytes(origin: Self.origin, statements: [statement]),
            FeedPath.pageRoots(Self.origin, size: size): roots.bytes,
        ]
        for page in 0..<(size + Feed.pageSize - 1) / Feed.pageSize {
            let range = page * Feed.pageSize..<min(size, (page + 1) * Feed.pageSize)
            files[FeedPath.page(Self.origin, page, width: range.count)] = Self.file(lines[range])
            files[FeedPath.bodies(Self.origin, page, width: range.count)] = Self.file(bodies[range])
        }
        return files
    }
}

@Suite struct FeedLimitTests {
    @Test func theLimitsAreDerivedFromOneAnother() {
        #expect(FeedLimits.recordLine == 262_143)
        #expect(FeedLimits.pageSize * (FeedLimits.recordLine + 1) == FeedLimits.publishedBodyFile)
        #expect(FeedLimits.publishedBodyFile == 67_108_864)
        #expect(FeedLimits.bodyFile == 268_435_712)
        #expect(FeedLimits.pageFile == 16_777_472)
        #expect(Feed.maxBodyLine == FeedLimits.bodyLine && Feed.maxEntryLine == FeedLimits.entryLine && Feed.pageSize == FeedLimits.pageSize)
    }

    /// A record one byte over the limit is refused on import, naming the file, the line and the
    /// largest field, and nothing of the file is written; one at the limit is published.
    @Test func aRecordOverTheLimitIsRefusedOnImport() async throws {
        let (directory, store) = try ServedStore.create("chongqing")
        let exact = try SizedRecord.json("exact", origin: "chongqing", region: "chongqing", bytes: FeedLimits.recordLine)
        let over = try SizedRecord.json("over", origin: "chongqing", region: "chongqing", bytes: FeedLimits.recordLine + 1)
        let small = RecordFixture.supply("small", title: "小记录", organization: "重庆大学", region: "chongqing")
        let file = try directory.write("records.json", RecordFixture.jsonArray([small, exact, over]))
        do {
            _ = try await store.importProjects(from: .file(file), now: SizedRecord.time)
            Issue.record("a record of \(FeedLimits.recordLine + 1) bytes was imported")
        } catch let error as StoreError {
            #expect(error.isBadInput)
            #expect(error.issues.count == 1, "\(error.issues)")
            let issue = try #require(error.issues.first)
            #expect(issue.file.hasSuffix("records.json") && issue.line == 4 && issue.field == "x_padding", "\(issue)")
            #expect(issue.problem.contains("would be 262144 bytes, over the 262143"), "\(issue)")
        }
        #expect(try await store.logPosition("chongqing").size == 0, "nothing of the refused file is written")

        let report = try await store.importProjects(from: .file(try directory.write("ok.json", RecordFixture.jsonArray([small, exact]))),
                                                    now: SizedRecord.time)
        #expect(report.created == 2)
        let body = try #require(try FeedReader(path: store.path).file(.bodies(origin: "chongqing", page: 0, width: 2))?.bytes)
        #expect(body.split(separator: 0x0A).map(\.count).max() == FeedLimits.recordLine)
    }

    /// The admin API answers 413, with the field and the sizes, for a record over the limit.
    @Test func theAPIRefusesARecordOverTheLimitWith413() async throws {
        let (directory, store) = try ServedStore.create("chongqing")
        let node = try ServedStore(directory: directory, store: store)
        let client = HTTPClient(maxConcurrent: 2)
        defer {
            node.stop()
            client.shutdown()
        }
        let token = try String(contentsOfFile: directory.file("admin.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        func put(_ id: String, bytes: Int) async throws -> HTTPClientResponse {
            let record = try SizedRecord.json(id, origin: "chongqing", region: "chongqing", bytes: bytes)
            return try await client.execute(HTTPClientRequest(
                url: node.base + "/v1/projects/\(id)", method: "PUT",
                headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: JSONWriter.write(record, pretty: false)))
        }
        // Published at another time than SizedRecord's, the body differs by no byte in length.
        let refused = try await put("over", bytes: FeedLimits.recordLine + 1)
        #expect(refused.status == 413, "\(String(decoding: refused.body, as: UTF8.self))")
        let message = try JSONParser.parse(refused.body)["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("x_padding: the record's published body would be 262144 bytes, over the 262143"), "\(message)")
        #expect(try await put("exact", bytes: FeedLimits.recordLine).status == 201)
    }

    /// A page of 256 records of exactly the largest body line a publisher writes (a body file of
    /// exactly 64 MiB), then a page whose body file is larger than that, as feed.md allows, sync
    /// to a peer; the peer relays what it synced.
    @Test func pagesAtAndOverThePublishedLimitSyncToAPeer() async throws {
        var feed = try HandmadeFeed()
        let small = try SizedRecord.published(
            RecordFixture.supply("small-0000", title: "小记录small-0000", organization: "重庆大学", region: "chongqing"), origin: "chongqing")
        feed.put(Feed.pageSize - 1, like: small, prefix: "small")
        let largest = try SizedRecord.published(
            try SizedRecord.json("limit-0000", origin: "chongqing", region: "chongqing", bytes: FeedLimits.recordLine), origin: "chongqing")
        feed.put(Feed.pageSize, like: largest, prefix: "limit")
        let larger = try SizedRecord.published(
            try SizedRecord.json("large-0000", origin: "chongqing", region: "chongqing", bytes: 262_200), origin: "chongqing")
        feed.put(Feed.pageSize, like: larger, prefix: "large")
        let files = try feed.files()
        #expect(files[FeedPath.bodies("chongqing", 1, width: Feed.pageSize)]?.count == FeedLimits.publishedBodyFile)
        #expect(try #require(files[FeedPath.bodies("chongqing", 2, width: Feed.pageSize)]).count > FeedLimits.publishedBodyFile)

        let origin = HostileFiles(files)
        let server = try TestServer(origin.handler)
        let (directory, store) = try ServedStore.create("sichuan")
        let client = HTTPClient(maxConcurrent: 8)
        defer {
            server.stop()
            client.shutdown()
            _ = directory
        }
        try await store.trust("chongqing", rootKey: feed.root.publicKey)
        try await store.addPeer(Peer(id: "chongqing", url: server.baseURL, mirrors: [], addedAt: "2026-01-01T00:00:00Z"))
        let report = try await SyncPipeline(store: store, client: client).run()
        #expect(report.peer("chongqing")?.ok == true, "\(report.peer("chongqing")?.error ?? "")")
        #expect(report.origin("chongqing")?.state == .ok, "\(report.origin("chongqing")?.error ?? "")")
        #expect(try await store.logPosition("chongqing").size == 3 * Feed.pageSize)
        #expect(report.origin("chongqing")?.applied.puts == 3 * Feed.pageSize - 1)
        let relayed = try FeedReader(path: store.path)
        for page in [1, 2] {
            let path = FeedPath.bodies("chongqing", page, width: Feed.pageSize)
            let served = try #require(try relayed.file(.bodies(origin: "chongqing", page: page, width: Feed.pageSize))?.bytes)
            #expect(SHA256.hash(served) == SHA256.hash(try #require(files[path])), "the peer relays \(path) byte for byte")
        }
    }
}

// A hostile peer cannot exhaust a syncing node's memory (issue 9 item 4): a sync holds what it
// fetched ahead within `LookAhead.budget` bytes, whatever the peer serves.
@Suite struct SyncMemoryBoundTests {
    /// The bound README and feed.md §9 give for a sync's peak resident memory, in MiB.
    static let boundMiB = 320

    /// Runs argv[1:] as a child and prints `peak_kib N` (its peak resident memory) on stderr;
    /// exits with the child's status.
    static let measuring = """
        import os, sys
        pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
        _, status, usage = os.wait4(pid, 0)
        print(f"peak_kib {usage.ru_maxrss}", file=sys.stderr)
        sys.exit(os.waitstatus_to_exitcode(status))
        """

    /// The real `kechuang sync` against a peer serving valid pages whose body files are all the
    /// largest a publisher makes (64 MiB each, records of `FeedLimits.recordLine` bytes): its peak
    /// resident memory, measured by the kernel for that process alone, stays within the bound.
    @Test func aPeerServingMaximumSizeFilesCannotRaiseASyncPastItsMemoryBound() async throws {
        let pages = 6
        var feed = try HandmadeFeed()
        let largest = try SizedRecord.published(
            try SizedRecord.json("limit-0000", origin: "chongqing", region: "chongqing", bytes: FeedLimits.recordLine), origin: "chongqing")
        feed.put(pages * Feed.pageSize - 1, like: largest, prefix: "limit")
        let files = try feed.files()
        #expect(files[FeedPath.bodies("chongqing", 1, width: Feed.pageSize)]?.count == FeedLimits.publishedBodyFile)

        let origin = HostileFiles(files)
        let server = try TestServer(origin.handler)
        defer { server.stop() }
        let data = try TemporaryDirectory(prefix: "sync-memory-bound")
        let binary = Repository.binary
        // The peak is measured by a small python3 parent that starts kechuang and reads its
        // `ru_maxrss` from `wait4`. Not this test process: Linux keeps the memory high-water mark
        // of the process that called exec (here the test runner, holding the feed, ~800 MiB) in
        // its children's `ru_maxrss`; python3 is small, so what it passes on is a few MiB.
        @Sendable func kechuang(_ arguments: String...) async throws -> ProcessResult {
            try await onOwnThread {
                try ProcessRunner.run(
                    "/usr/bin/env", ["python3", "-c", Self.measuring, binary, "--data", data.path] + arguments, directory: data.path,
                    timeout: 600)
            }
        }
        let initialised = try await kechuang("init", "--node-id", "sichuan", "--name", "四川省科学技术协会", "--region", "四川")
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let added = try await kechuang("peer", "add", "chongqing", server.baseURL, "--root-key", feed.root.publicKey.text)
        #expect(added.status == 0, "\(added.stderr)")

        let synced = try await kechuang("sync")
        #expect(synced.status == 0, "stdout: \(synced.stdout) stderr: \(synced.stderr)")
        #expect(synced.stdout.contains("origin chongqing: ok 0 → \(pages * Feed.pageSize) entries"), "\(synced.stdout)")
        let reported = try #require(synced.stderr.split(separator: "\n").last { $0.hasPrefix("peak_kib ") }, "\(synced.stderr)")
        let peak = try #require(Int(reported.dropFirst("peak_kib ".count)))
        #expect(peak / 1024 < Self.boundMiB, "kechuang sync peaked at \(peak / 1024) MiB, over the bound of \(Self.boundMiB) MiB")
        print("kechuang sync of \(pages) pages of 64 MiB body files: peak resident memory \(peak / 1024) MiB")
    }
}
