import Feed
import Foundation
import Signing
import TestSupport
import Testing

/// `kechuang sync` as an operator runs it: the exit code says whether every peer synced.
@Suite struct SyncCommandTests {
    @Test func syncExitsWithOneWhenAPeerFailsAndZeroOnceItServesHonestly() async throws {
        let feed = try await ChongqingFeed.shared.value
        let files = HostileFiles(feed.current.files)
        files.overrideEverything(Behaviour.fixed(status: 500, reason: "Internal Server Error", body: Array("{}".utf8)))
        let hostile = try TestServer(files.handler)
        defer { hostile.stop() }
        let data = try TemporaryDirectory(prefix: "sync-cli")
        let binary = Repository.binary
        @Sendable func kechuang(_ arguments: String...) async throws -> ProcessResult {
            try await onOwnThread { try ProcessRunner.run(binary, ["--data", data.path] + arguments, directory: data.path, timeout: 60) }
        }

        let initialised = try await kechuang("init", "--node-id", "sichuan", "--name", "四川省科学技术协会", "--region", "四川")
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let added = try await kechuang("peer", "add", "chongqing", hostile.baseURL, "--root-key", feed.root.publicKey.text)
        #expect(added.status == 0, "\(added.stderr)")

        let failed = try await kechuang("sync")
        #expect(failed.status == 1, "stdout: \(failed.stdout) stderr: \(failed.stderr)")
        #expect(failed.stderr.contains("chongqing"))
        #expect(failed.stdout.contains("peer chongqing: error"))
        #expect(failed.stdout.contains("HTTP 500"))

        files.serve(feed.current)
        let synced = try await kechuang("sync")
        #expect(synced.status == 0, "stdout: \(synced.stdout) stderr: \(synced.stderr)")
        #expect(synced.stdout.contains("origin chongqing: ok 0 → 351 entries"), "\(synced.stdout)")
    }
}
