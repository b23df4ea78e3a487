import Feed
import Foundation
import HTTPClient
import Signing
import SQLite
import Store
import Sync
import TestSupport
import Testing

/// Holds one request of a test server until the test lets it go: the server thread that answers
/// it signals its arrival, then waits. Both waits are bounded, so a broken test fails instead of
/// hanging the suite.
final class RequestGate: Sendable {
    private let arrived = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)

    /// Called by the server thread: announces the request, then waits to be released.
    func hold() {
        arrived.signal()
        _ = released.wait(timeout: .now() + 120)
    }

    /// Waits (on a thread of its own) until a request is held.
    func waitForArrival(timeout: Double = 60) async throws {
        let arrived = self.arrived
        let came = try await onOwnThread { arrived.wait(timeout: .now() + timeout) == .success }
        guard came else { throw FixtureError(description: "the gated request did not arrive within \(timeout) s") }
    }

    /// Lets the held request (and any later one) go on.
    func release() {
        for _ in 0..<16 { released.signal() }
    }
}

/// A change of trust made by another process while a sync is under way is final: the sync
/// re-reads the trust inside the transaction that applies, and applies (and offers) nothing of an
/// origin that is no longer trusted as it was when the sync began.
@Suite struct TrustChangeTests {
    /// chongqing's honest feed, whose first page file is held at the gate.
    static func slowChongqing(_ feed: ChongqingFeed, gate: RequestGate) throws -> TestServer {
        let files = HostileFiles(feed.current.files)
        let gated = feed.current.page(0)
        let handler = files.handler
        return try TestServer { request, connection in
            if request.path.hasPrefix(gated) { gate.hold() }
            return handler(request, connection)
        }
    }

    @Test func aTrustRemovedWhileServeSyncsASlowPeerStaysRemoved() async throws {
        let feed = try await ChongqingFeed.shared.value
        let gate = RequestGate()
        let chongqing = try Self.slowChongqing(feed, gate: gate)
        defer {
            gate.release()
            chongqing.stop()
        }
        let data = try TemporaryDirectory(prefix: "sync-trust-remove")
        let binary = Repository.binary
        @Sendable func kechuang(_ arguments: String...) async throws -> ProcessResult {
            try await onOwnThread { try ProcessRunner.run(binary, ["--data", data.path] + arguments, directory: data.path, timeout: 60) }
        }
        let initialised = try await kechuang("init", "--node-id", "sichuan", "--name", "四川省科学技术协会", "--region", "四川")
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let added = try await kechuang("peer", "add", "chongqing", chongqing.baseURL, "--root-key", feed.root.publicKey.text)
        #expect(added.status == 0, "\(added.stderr)")

        // serve syncs at once: its sync reaches chongqing's first page and waits there.
        let server = try BackgroundProcess(
            binary, ["--data", data.path, "serve", "--listen", "127.0.0.1:0", "--sync-interval", "3600"])
        defer { server.send(SIGKILL) }
        let serving = try await onOwnThread { try server.waitForLine(containing: "Serving") }
        let base = try #require(serving.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        try await gate.waitForArrival()

        let removed = try await kechuang("trust", "remove", "chongqing")
        #expect(removed.status == 0, "\(removed.stderr)")
        gate.release()
        let line = try await onOwnThread { try server.waitForLine(containing: "sync: origin chongqing:") }
        #expect(!line.contains("→"), "the removed origin was applied again: \(line)")
        #expect(line.contains("trust"), "\(line)")

        let connection = try Connection(path: data.file("kechuang.db"))
        for table in ["log_entries", "checkpoints", "origin_state", "fork_evidence", "records"] {
            let count = try connection.prepare("SELECT count(*) FROM \(table) WHERE origin = 'chongqing'").queryFirst { $0.int(0) } ?? -1
            #expect(count == 0, "\(table) holds \(count) rows of chongqing")
        }
        let client = HTTPClient(maxConcurrent: 2)
        defer { client.shutdown() }
        let bundle = try CheckpointBundle(bytes: try await client.execute(HTTPClientRequest(url: base + FeedPath.checkpoints)).body)
        #expect(!bundle.origins.map(\.origin).contains("chongqing"), "checkpoints.json offers the removed origin")
        let list = try await kechuang("peer", "list")
        #expect(!list.stdout.contains(feed.root.publicKey.text), "\(list.stdout)")

        server.send(SIGTERM)
        #expect(server.waitForExit(timeout: 30) == 0, "\(server.text)")
        #expect(!server.text.contains("ok 0 → 351"), "\(server.text)")
    }

    /// The origin is removed and trusted again under another root key while a sync of it waits
    /// for a slow peer: nothing signed under the old key is applied under the new trust.
    @Test func aTrustChangedDuringASyncAppliesNothingOfTheOldTrust() async throws {
        let federation = try await Federation()
        defer { federation.stop() }
        let gate = RequestGate()
        defer { gate.release() }
        let page0 = federation.feed.current.page(0)
        let bytes = try unwrap(federation.feed.current.files[page0], page0)
        federation.files.override(page0) { _, connection in
            gate.hold()
            return connection.write(httpResponse(headers: [("Content-Type", "application/jsonl; charset=utf-8")], body: bytes))
        }

        let sync = Task { try await federation.sync() }
        try await gate.waitForArrival()
        let other = try CatalogStore(path: federation.store.path)
        try await other.untrust("chongqing")
        let newRoot = try Ed25519PrivateKey()
        try await other.trust("chongqing", rootKey: newRoot.publicKey, now: Date().addingTimeInterval(1))
        gate.release()
        let report = try await sync.value

        let origin = try #require(report.origin("chongqing"))
        #expect(origin.after == origin.before, "\(origin.before) → \(origin.after)")
        #expect(report.peer("chongqing")?.ok == true, "the peer did nothing wrong: \(report.peer("chongqing")?.error ?? "")")
        #expect(try await federation.size() == 0, "nothing of the old trust is applied")
        let status = try #require(try federation.status())
        #expect(status.checkpoint == nil)
        #expect(status.state == .new, "\(status.state): \(status.lastError ?? "")")
        #expect(status.forks.isEmpty)
        try await federation.expectBystandersFine(report)
    }
}
