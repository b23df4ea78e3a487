import Foundation
import JSON
import TestSupport
import Testing

@Suite struct CrashTests {
    /// A sync of 20,000 records killed with SIGKILL at random moments, 20 times in a row, each run
    /// resuming where the last one stopped: after every kill the database passes SQLite's
    /// integrity check, and the sync that finally runs to the end reaches the digest the origin
    /// computes for the same records (an uninterrupted view of them).
    @Test(.timeLimit(.minutes(10)))
    func syncKilledTwentyTimesStaysConsistentAndConverges() throws {
        let origin = try CLI()
        let result = try origin.run("init", "--node-id", "chongqing", "--name", "重庆市科学技术协会", "--region", "chongqing")
        #expect(result.status == 0)
        let generated = origin.data.file("generated.json")
        try origin.run("generate", "--region", "chongqing", "--count", "20000", "--seed", "11", "--out", generated)
        #expect(try origin.run("import", generated).status == 0)
        let expected = try #require(try origin.json("stats", "--json")["catalog_digest"]?.stringValue)
        let root = try #require(try origin.json("keys", "show", "--json")["root"]?["key"]?.stringValue)

        let server = try BackgroundProcess(
            Repository.binary, ["--data", origin.data.path, "serve", "--listen", "127.0.0.1:0", "--sync-interval", "0"])
        defer {
            server.send(SIGTERM)
            _ = server.waitForExit(timeout: 20)
        }
        let base = try #require(try server.waitForLine(containing: "Serving").split(separator: " ").first { $0.hasPrefix("http://") })

        let node = try CLI()
        try node.initNode()
        #expect(try node.run("peer", "add", "chongqing", String(base), "--root-key", root).status == 0)
        var random = SeededRandom(seed: 20_261_126)
        var sizes: [Int] = []
        for kill in 1...20 {
            let sync = try BackgroundProcess(Repository.binary, ["--data", node.data.path, "sync", "--peer", "chongqing"])
            // Any moment: during the poll, a page's transaction, the merge or the checkpoint.
            let delay = 0.05 + Double(random.next() % 2000) / 1000
            _ = sync.waitForExit(timeout: delay)
            sync.send(SIGKILL)
            _ = sync.waitForExit(timeout: 30)
            let check = try ProcessRunner.run(
                "/usr/bin/sqlite3", [node.data.file("kechuang.db"), "PRAGMA integrity_check"], timeout: 120)
            #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "kill \(kill): \(check.stdout)\(check.stderr)")
            let log = try ProcessRunner.run(
                "/usr/bin/sqlite3", [node.data.file("kechuang.db"), "SELECT count(*) FROM log_entries WHERE origin = 'chongqing'"])
            sizes.append(Int(log.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
        }
        #expect(sizes == sizes.sorted(), "the cursor only moves forward: \(sizes)")
        #expect(sizes.allSatisfy { $0 % 256 == 0 || $0 == 20_001 }, "pages are applied whole: \(sizes)")

        let final = try node.run("sync", "--peer", "chongqing")
        #expect(final.status == 0, "\(final.stdout)\(final.stderr)")
        let stats = try node.json("stats", "--json")
        #expect(stats["catalog_digest"]?.stringValue == expected)
        #expect(stats["by_origin"]?["chongqing"] == 20_000)
    }
}
