import Feed
import Foundation
import Signing
import SQLite
import Store
import Sync
import TestSupport
import Testing

/// A store failure during a sync is the node's own fault: it is reported as `local error: …`,
/// nothing is half-written, and no peer is blamed for it (no peer failure, nothing toward a
/// peer's circuit breaker). The store is made to fail on purpose through a second connection to
/// its file (tests run as root, so file permissions would not stop a write).
@Suite struct LocalErrorTests {
    /// A trigger that makes every append to the log fail, as a full disk or a broken store would.
    static let failAppends = """
        CREATE TRIGGER test_fail_appends BEFORE INSERT ON log_entries
        BEGIN SELECT RAISE(ABORT, 'injected store failure'); END
        """

    /// The error a sync threw, or nil when it returned a report.
    static func syncError(_ federation: Federation) async -> (any Error)? {
        do {
            let report = try await federation.sync()
            Issue.record("the sync returned a report instead of a local error: peers \(report.peers.map { "\($0.peer) ok=\($0.ok) \($0.error ?? "")" })")
            return nil
        } catch {
            return error
        }
    }

    @Test func aHeldCheckpointTheStoreCannotReadIsALocalErrorNotThePeers() async throws {
        let federation = try await Federation()
        defer { federation.stop() }
        _ = try await federation.sync()
        #expect(try await federation.size() == 351)
        let connection = try Connection(path: federation.store.path)
        try connection.run("UPDATE checkpoints SET checkpoint = ? WHERE origin = 'chongqing'", [.blob(Array("{}".utf8))])

        let error = try #require(await Self.syncError(federation))
        #expect("\(error)".hasPrefix("local error: "), "\(error)")
        #expect("\(error)".contains("chongqing"), "\(error)")
        let peer = try #require(try await federation.store.peerState("chongqing"))
        #expect(peer.status.failures == 0, "the peer is not blamed: \(peer.status.lastError ?? "")")
        #expect(peer.status.state == .ok)
        #expect(try await federation.store.entries("chongqing", 0..<400).count == 351, "the entries held stay")
    }

    @Test func aWriteTheStoreRefusesIsALocalErrorAndTheNextRunApplies() async throws {
        let federation = try await Federation(serving: { $0.small })
        defer { federation.stop() }
        _ = try await federation.sync()
        #expect(try await federation.size() == 301)
        federation.files.serve(federation.feed.current)
        let connection = try Connection(path: federation.store.path)
        try connection.execute(Self.failAppends)

        let error = try #require(await Self.syncError(federation))
        #expect("\(error)".hasPrefix("local error: "), "\(error)")
        #expect("\(error)".contains("injected store failure"), "\(error)")
        let peer = try #require(try await federation.store.peerState("chongqing"))
        #expect(peer.status.failures == 0, "the peer is not blamed: \(peer.status.lastError ?? "")")
        #expect(try await federation.size() == 301, "nothing is half-applied")
        #expect(try federation.status()?.state == .ok, "the origin is not marked as failing")

        try connection.execute("DROP TRIGGER test_fail_appends")
        let report = try await federation.sync()
        #expect(report.origin("chongqing")?.state == .ok)
        #expect(try await federation.size() == 351)
    }

    /// `kechuang sync` as an operator sees it: `local error: …`, exit 1, and the peer's circuit
    /// breaker stays closed however often it happens.
    @Test func kechuangSyncReportsALocalErrorAndKeepsThePeersBreakerClosed() async throws {
        let feed = try await ChongqingFeed.shared.value
        let files = HostileFiles(feed.current.files)
        let hostile = try TestServer(files.handler)
        defer { hostile.stop() }
        let data = try TemporaryDirectory(prefix: "sync-local-error")
        let binary = Repository.binary
        @Sendable func kechuang(_ arguments: String...) async throws -> ProcessResult {
            try await onOwnThread { try ProcessRunner.run(binary, ["--data", data.path] + arguments, directory: data.path, timeout: 60) }
        }
        let initialised = try await kechuang("init", "--node-id", "sichuan", "--name", "四川省科学技术协会", "--region", "四川")
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let added = try await kechuang("peer", "add", "chongqing", hostile.baseURL, "--root-key", feed.root.publicKey.text)
        #expect(added.status == 0, "\(added.stderr)")
        let connection = try Connection(path: data.file("kechuang.db"))
        try connection.execute(Self.failAppends)

        // More failed runs than the breaker's threshold (3).
        for run in 1...4 {
            let failed = try await kechuang("sync")
            #expect(failed.status == 1, "run \(run): stdout: \(failed.stdout) stderr: \(failed.stderr)")
            #expect(failed.stderr.contains("kechuang: error: local error: "), "run \(run): \(failed.stderr)")
            #expect(failed.stderr.contains("injected store failure"), "run \(run): \(failed.stderr)")
            #expect(!failed.stdout.contains("peer chongqing: error"), "run \(run): \(failed.stdout)")
        }
        try connection.execute("DROP TRIGGER test_fail_appends")
        let synced = try await kechuang("sync")
        #expect(synced.status == 0, "stdout: \(synced.stdout) stderr: \(synced.stderr)")
        #expect(synced.stdout.contains("origin chongqing: ok 0 → 351 entries"), "\(synced.stdout)")
    }
}
