import Foundation
import JSON
import TestSupport
import Testing

@Suite struct CrashTests {
    /// Entries of the origin's log: 20,000 records and the origin's key statement.
    static let entries = 20_001
    /// Kills in a row. A sync writes up to 2,048 entries per transaction, so the log reaches its
    /// end in 10 transactions; each kill lands after one of them, which leaves room to spare.
    static let kills = 6

    /// A sync of 20,000 records killed with SIGKILL while it applies pages, six times in a row,
    /// each run resuming where the last one stopped: every kill lands after the run has applied
    /// something and before it has applied everything, the database passes SQLite's integrity
    /// check after every kill, and the sync that finally runs to the end reaches the digest the
    /// origin computes for the same records (an uninterrupted view of them).
    @Test(.timeLimit(.minutes(10)))
    func syncKilledWhileApplyingStaysConsistentAndConverges() throws {
        let origin = try CLI()
        let result = try origin.run("init", "--node-id", "chongqing", "--name", "重庆市科学技术协会", "--region", "chongqing")
        try #require(result.status == 0, "\(result.stderr)")
        let generated = origin.data.file("generated.json")
        let generate = try origin.run("generate", "--region", "chongqing", "--count", "20000", "--seed", "11", "--out", generated)
        try #require(generate.status == 0, "generate: \(generate.stdout)\(generate.stderr)")
        let imported = try origin.run("import", generated)
        try #require(imported.status == 0, "import: \(imported.stdout)\(imported.stderr)")
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
        let database = node.data.file("kechuang.db")
        var sizes = [0]
        for kill in 1...Self.kills {
            let start = sizes[sizes.count - 1]
            let sync = try BackgroundProcess(Repository.binary, ["--data", node.data.path, "sync", "--peer", "chongqing"])
            // Killed as soon as the run is seen to have applied a transaction of pages: while it
            // prepares or writes the next ones.
            try Self.waitForAppliedSize(above: start, database: database, while: sync, timeout: 180)
            sync.send(SIGKILL)
            let status = sync.waitForExit(timeout: 30)
            #expect(status == SIGKILL, "kill \(kill): the sync was no longer running (status \(status.map(String.init) ?? "none")): \(sync.text)")
            let check = try ProcessRunner.run("/usr/bin/sqlite3", [database, "PRAGMA integrity_check"], timeout: 120)
            #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "kill \(kill): \(check.stdout)\(check.stderr)")
            let size = try Self.appliedSize(database)
            #expect(start < size && size < Self.entries, "kill \(kill) did not interrupt a sync in progress: \(start) → \(size) of \(Self.entries)")
            sizes.append(size)
        }
        #expect(sizes == sizes.sorted(), "the cursor only moves forward: \(sizes)")
        #expect(sizes.allSatisfy { $0 % 256 == 0 }, "pages are applied whole: \(sizes)")

        let final = try node.run("sync", "--peer", "chongqing")
        #expect(final.status == 0, "\(final.stdout)\(final.stderr)")
        #expect(try Self.appliedSize(database) == Self.entries)
        let stats = try node.json("stats", "--json")
        #expect(stats["catalog_digest"]?.stringValue == expected)
        #expect(stats["by_origin"]?["chongqing"] == 20_000)
    }

    /// The number of chongqing's log entries the node has applied (committed).
    static func appliedSize(_ database: String) throws -> Int {
        // The sync's writer may hold the lock for a moment (a WAL checkpoint): wait for it.
        let result = try ProcessRunner.run(
            "/usr/bin/sqlite3", ["-cmd", ".timeout 30000", database, "SELECT count(*) FROM log_entries WHERE origin = 'chongqing'"],
            timeout: 60)
        guard result.status == 0, let size = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BackgroundProcessError(message: "sqlite3 \(database): status \(result.status): \(result.stdout)\(result.stderr)")
        }
        return size
    }

    /// Polls the applied size until it passes `size`, for at most `timeout` seconds, failing early
    /// when `process` ends first.
    static func waitForAppliedSize(above size: Int, database: String, while process: BackgroundProcess, timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try appliedSize(database) <= size {
            guard process.isRunning else {
                throw BackgroundProcessError(message: "the sync ended before applying past \(size) entries: \(process.text)")
            }
            guard Date() < deadline else {
                throw BackgroundProcessError(message: "the sync applied nothing past \(size) entries within \(timeout) s: \(process.text)")
            }
        }
    }
}
