import Catalog
import Compression
import Feed
import Foundation
import JSON
import Signing
import Store
import TestSupport
import Testing

/// A node's store with keys, publishing as `kechuang init` sets it up.
struct PublishingStore {
    let test: TestStore
    let root: Ed25519PrivateKey
    let key: Ed25519PrivateKey
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    init() async throws {
        test = try TestStore()
        root = try Ed25519PrivateKey()
        key = try Ed25519PrivateKey()
        let statement = try KeyStatement.sign(origin: "sichuan", action: .authorize, key: key.publicKey, fromSize: 1, issuedAt: start, rootKey: root)
        _ = try await test.store.appendKeyStatement(statement, now: start)
        try await publish(start)
    }

    @discardableResult
    func publish(_ now: Date) async throws -> Checkpoint? {
        try await test.store.publish(key: key, rootKey: root.publicKey, now: now)
    }

    func feed() throws -> FeedReader { try FeedReader(path: test.path) }

    func keys() throws -> KeyState {
        var state = KeyState(origin: "sichuan", rootKey: root.publicKey)
        for statement in try KeyStatementList.parse(try #require(try feed().file(.keys(origin: "sichuan"))).bytes) {
            try state.add(statement)
        }
        return state
    }

    func records(_ count: Int, from first: Int = 0, contact: Bool = false) -> [JSONValue] {
        (first..<first + count).map { index in
            RecordFixture.supply(
                "r\(index)", title: "记录\(index)",
                extra: contact ? ["contact": ["name": "张三丰", "phone": "13812345678", "visibility": "masked"]] : [:])
        }
    }
}

@Suite struct PublishTests {
    let verifier = FeedVerifier(origin: "sichuan")

    @Test func everyWriteIsAnEntryAndFullPagesAreSealedWithGzipCopies() async throws {
        let node = try await PublishingStore()
        try await node.test.importJSON(node.records(300))
        let checkpoint = try #require(try await node.publish(node.start.addingTimeInterval(10)))
        #expect(checkpoint.size == 301)
        #expect(try verifier.verify(checkpoint, keys: node.keys(), now: node.start.addingTimeInterval(20)) == .current)

        let feed = try node.feed()
        let page = try #require(try feed.file(.page(origin: "sichuan", page: 0, width: 256)))
        #expect(page.caching == .immutable)
        #expect(try Gzip.decompress(try #require(page.gzip), maxOutput: 1 << 20) == page.bytes)
        let entries = try verifier.entries(page: 0, bytes: page.bytes, count: 256)
        #expect(entries[0].op == .key)
        #expect(entries[1].op == .put && entries[1].id == "sichuan:r0" && entries[1].version == 1)
        let bodies = try #require(try feed.file(.bodies(origin: "sichuan", page: 0, width: 256)))
        #expect(try verifier.bodies(bodies.bytes, entries: entries).claims.isEmpty)
        #expect(try Gzip.decompress(try #require(bodies.gzip), maxOutput: 1 << 22) == bodies.bytes)

        let tail = try #require(try feed.file(.page(origin: "sichuan", page: 1, width: 45)))
        #expect(tail.gzip == nil && tail.caching == .short)
        let tailEntries = try verifier.entries(page: 1, bytes: tail.bytes, count: 45)
        let roots = try PageRoots(bytes: try #require(try feed.file(.pageRoots(origin: "sichuan", size: 301))).bytes)
        #expect(roots.pageRoots == [FeedVerifier.root(of: entries)])
        #expect(roots.tailRoot == FeedVerifier.root(of: tailEntries))
        #expect(roots.root == checkpoint.root)
        #expect(try feed.file(.page(origin: "sichuan", page: 1, width: 46)) == nil, "no entries beyond the log")
    }

    @Test func unchangedReimportAppendsNothingAndARefusedImportAppendsNothing() async throws {
        let node = try await PublishingStore()
        try await node.test.importJSON(node.records(10))
        let size = try await node.test.store.logSize()
        try await node.test.importJSON(node.records(10))
        #expect(try await node.test.store.logSize() == size)
        let refused = await importIssues {
            try await node.test.importJSON(node.records(5, from: 20) + [RecordFixture.supply("bad", title: "坏", trl: 10)])
        }
        #expect(refused.count == 1)
        #expect(try await node.test.store.logSize() == size, "a refused import leaves the log as it was")
    }

    @Test func checkpointsAreReissuedWhenTheLogGrowsOrDaily() async throws {
        let node = try await PublishingStore()
        #expect(try await node.publish(node.start.addingTimeInterval(3600)) == nil, "nothing changed within a day")
        let daily = try #require(try await node.publish(node.start.addingTimeInterval(86_401)))
        #expect(daily.size == 1)
        #expect(daily.expires.timeIntervalSince(daily.issued) == 7 * 86_400)
        try await node.test.importJSON(node.records(1))
        #expect(try await node.publish(node.start.addingTimeInterval(86_402))?.size == 2)
    }

    @Test func deleteAndRedactAreEntriesAndMarkersReplaceErasedBodies() async throws {
        let node = try await PublishingStore()
        try await node.test.importJSON(node.records(3, contact: true))
        try await node.test.importJSON([RecordFixture.supply("r1", title: "记录1（修订）", extra: ["contact": ["name": "张三丰", "phone": "13812345678", "visibility": "masked"]])])
        _ = try await node.test.store.delete(RecordID("sichuan:r2")!)
        let outcome = try await node.test.store.redact(RecordID("sichuan:r1")!)
        #expect(outcome == (version: 4, listed: true))
        let deleted = try await node.test.store.redact(RecordID("sichuan:r2")!)
        #expect(deleted.listed == false)
        let checkpoint = try #require(try await node.publish(node.start.addingTimeInterval(60)))

        let feed = try node.feed()
        let entries = try verifier.entries(page: 0, bytes: try #require(try feed.file(.page(origin: "sichuan", page: 0, width: checkpoint.size))).bytes, count: checkpoint.size)
        #expect(entries.map(\.op) == [.key, .put, .put, .put, .put, .delete, .redact, .put, .redact])
        #expect(entries.filter { $0.id == "sichuan:r1" }.map(\.version) == [1, 2, 3, 4])
        let checked = try verifier.bodies(try #require(try feed.file(.bodies(origin: "sichuan", page: 0, width: checkpoint.size))).bytes, entries: entries)
        #expect(checked.bodies[2] == .redacted(by: 6), "r1's first put is erased")
        #expect(checked.bodies[4] == .redacted(by: 6), "r1's second put is erased")
        #expect(checked.bodies[3] == .redacted(by: 8), "the deleted r2's put is erased too")
        for claim in checked.claims {
            try verifier.resolve(claim, redactedID: entries[claim.redactSeq].op == .redact ? entries[claim.redactSeq].id : nil)
        }
        guard case .body(let republished) = checked.bodies[7] else { Issue.record("r1 is re-published"); return }
        let value = try JSONParser.parse(republished)
        #expect(value["contact"] == nil && value["service_agent"] == nil)
        #expect(value["version"] == 4)
        guard case .body(let first) = checked.bodies[1] else { Issue.record("r0 keeps its body"); return }
        #expect(try JSONParser.parse(first)["contact"]?["phone"] == "138****5678", "published bodies mask contacts")
        #expect(try node.test.project("sichuan:r1")?.contact == nil)
        #expect(try node.test.project("sichuan:r0")?.contact?.phone == "13812345678", "the node keeps the full contact")
    }

    @Test func servedProofsVerify() async throws {
        let node = try await PublishingStore()
        try await node.test.importJSON(node.records(600))
        let checkpoint = try #require(try await node.publish(node.start.addingTimeInterval(10)))
        let old = try #require(try node.feed().file(.pageRoots(origin: "sichuan", size: 300)))
        let oldRoot = try PageRoots(bytes: old.bytes).root
        let feed = try node.feed()
        func proof(_ resource: FeedPath.Resource, _ query: [String: String]) throws -> JSONValue {
            try JSONParser.parse(try #require(try feed.file(resource, query: query)).bytes)
        }
        func hashes(_ value: JSONValue?) -> [[UInt8]] { value?.arrayValue?.compactMap { $0.stringValue.flatMap(Hex.decode) } ?? [] }

        let inclusion = try proof(.inclusionProof(origin: "sichuan"), ["seq": "377", "size": "\(checkpoint.size)"])
        #expect(Merkle.verifyInclusion(
            leafHash: try #require(inclusion["leaf_hash"]?.stringValue.flatMap(Hex.decode)), index: 377, size: checkpoint.size,
            proof: hashes(inclusion["proof"]), root: checkpoint.root))
        let consistency = try proof(.consistencyProof(origin: "sichuan"), ["from": "300", "to": "\(checkpoint.size)"])
        #expect(Merkle.verifyConsistency(from: 300, to: checkpoint.size, proof: hashes(consistency["proof"]), oldRoot: oldRoot, newRoot: checkpoint.root))
        let page = try proof(.pageProof(origin: "sichuan"), ["page": "1", "size": "\(checkpoint.size)"])
        #expect(Merkle.verifyPage(
            pageRoot: try #require(page["page_root"]?.stringValue.flatMap(Hex.decode)), page: 1, size: checkpoint.size,
            proof: hashes(page["proof"]), root: checkpoint.root))
        #expect(throws: StoreError.self) { try feed.file(.inclusionProof(origin: "sichuan"), query: ["seq": "601", "size": "601"]) }
        #expect(throws: StoreError.self) { try feed.file(.pageProof(origin: "sichuan"), query: ["page": "2", "size": "601"]) }
    }
}
