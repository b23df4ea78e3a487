import Foundation
import JSON
import TestSupport
import Testing

/// `kechuang backup` and `kechuang restore` (issue 15, item 4): a consistent copy while serve runs
/// and writes; a restore that verifies, refuses a running node's data, serves at once, publishes
/// nothing until its own log is known to be the newest, and then catches up instead of forking.
@Suite struct BackupRestoreTests {
    /// A restore from a backup taken under load catches up from the peer that relays the newer
    /// log (redaction and deletion made after the backup re-applied), and the peer then syncs the
    /// restored node's next write with no fork.
    @Test(.timeLimit(.minutes(8)))
    func aRestoreFromAnOldBackupCatchesUpInsteadOfForking() throws {
        let sichuan = try FederationNode("sichuan", generated: 200)
        let beijing = try FederationNode("beijing")
        defer { [sichuan, beijing].forEach { $0.stop() } }
        try sichuan.serve()
        try beijing.serve()
        try sichuan.peer(beijing)
        try beijing.peer(sichuan)
        _ = try sichuan.sync()
        _ = try beijing.sync()
        let backups = try TemporaryDirectory(prefix: "backups")

        // Load: an import of 1,500 records into Sichuan, Sichuan syncing, and Beijing pulling
        // from Sichuan's server, while the backups are taken.
        let bulk = sichuan.cli.data.file("bulk.json")
        #expect(try sichuan.cli.run("generate", "--region", "sichuan", "--count", "1500", "--seed", "31", "--out", bulk).status == 0)
        let importing = try BackgroundProcess(Repository.binary, ["--data", sichuan.cli.data.path, "import", bulk, "--quiet"])
        let syncing = try BackgroundProcess(Repository.binary, ["--data", beijing.cli.data.path, "sync"])
        let pulling = try BackgroundProcess(Repository.binary, ["--data", sichuan.cli.data.path, "sync"])
        var taken: [(path: String, entries: Int)] = []
        for index in 0..<3 {
            let path = backups.file("sichuan-\(index).db")
            let result = try sichuan.cli.run("backup", path, "--json")
            #expect(result.status == 0, "\(result.stderr)")
            let summary = try JSONParser.parse(Array(result.stdout.utf8))
            #expect(summary["keys_included"] == false)
            taken.append((path, try #require(summary["logs"]?["sichuan"]?.intValue)))
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue & 0o777 == 0o600, "\(path) mode \(String(mode.intValue, radix: 8))")
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
        #expect(importing.waitForExit(timeout: 300) == 0)
        #expect(syncing.waitForExit(timeout: 300) == 0)
        #expect(pulling.waitForExit(timeout: 300) == 0)
        // Each snapshot is consistent: a fresh directory restored from it verifies every log
        // (the import is one transaction: each copy has all of it or none of it).
        for backup in taken {
            #expect(backup.entries == 220 || backup.entries == 1720, "\(backup)")
            let fresh = try CLI()
            let restored = try fresh.run("restore", backup.path)
            #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
            #expect(restored.stdout.contains("every log verifies"), "\(restored.stdout)")
            #expect(restored.stdout.contains("keys/root.pub was missing"), "\(restored.stdout)")
            #expect(restored.stdout.contains("No checkpoint key"), "\(restored.stdout)")
        }

        // The old backup: taken now, before a redaction, a deletion and more records.
        let oldPath = backups.file("old.db")
        let oldBackup = try sichuan.cli.run("backup", oldPath, "--json")
        #expect(oldBackup.status == 0)
        let old = (path: oldPath, entries: try #require(try JSONParser.parse(Array(oldBackup.stdout.utf8))["logs"]?["sichuan"]?.intValue))
        #expect(try sichuan.cli.run("backup", old.path).status == 2, "a backup never replaces a file")
        let redacted = "sichuan:sc-chal-004", deleted = "sichuan:sc-chal-001"
        #expect(try sichuan.cli.run("redact", redacted).status == 0)
        #expect(try sichuan.cli.run("delete", deleted).status == 0)
        let extra = sichuan.cli.data.file("extra.json")
        #expect(try sichuan.cli.run("generate", "--region", "sichuan", "--count", "5", "--seed", "77", "--out", extra).status == 0)
        #expect(try sichuan.cli.run("import", extra).status == 0)
        _ = try beijing.sync()
        let newest = try sichuan.logSize()
        #expect(try beijing.get("/feeds/sichuan/checkpoint.json").contains("\"size\":\(newest)"))

        // A running node's data is refused.
        let busy = try sichuan.cli.run("restore", old.path)
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("in use by a running kechuang"), "\(busy.stderr)")

        // The disk is lost: the node comes back from the old backup.
        sichuan.stop()
        let restored = try sichuan.cli.run("restore", old.path)
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        #expect(restored.stdout.contains("Publishing is held"), "\(restored.stdout)")
        #expect(restored.stdout.contains("The database it replaced is kept as"), "\(restored.stdout)")
        let refused = try sichuan.cli.run("import", extra)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("restored from a backup") && refused.stderr.contains("fork origin sichuan"), "\(refused.stderr)")
        #expect(try sichuan.cli.run("redact", "sichuan:sc-ach-001").status == 1)

        // It reads and serves at once, the old state; writes over HTTP are refused with 409.
        try sichuan.serve()
        try beijing.peer(sichuan)  // its new port
        #expect(try sichuan.logSize() < newest)
        #expect(try sichuan.cli.run("show", deleted).status == 0, "the old state still has the record")
        let token = try String(contentsOfFile: sichuan.cli.data.file("admin.token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let put = try ProcessRunner.run(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE", "-H", "Authorization: Bearer \(token)", sichuan.base + "/v1/projects/sichuan:sc-ach-002"],
            timeout: 60)
        #expect(put.stdout == "409", "\(put.stdout)")

        // serve's periodic sync catches its own log up from Beijing, which relays it, and lifts the hold.
        sichuan.stop()
        try sichuan.serve(syncInterval: 1)
        try beijing.peer(sichuan)  // its new port
        let lifted = try #require(sichuan.server).waitForLine(containing: "restore hold: lifted")
        #expect(lifted.contains("caught up from beijing (\(old.entries) → \(newest) entries)"), "\(lifted)")
        #expect(try sichuan.logSize() == newest)
        #expect(try sichuan.cli.run("show", deleted).status != 0, "the deletion made after the backup is applied")
        let shown = try sichuan.cli.run("show", redacted)
        #expect(shown.status == 0)
        #expect(!shown.stdout.contains("\"contact\""), "the redaction made after the backup is re-applied: \(shown.stdout)")
        #expect(try sichuan.cli.run("audit").stdout.contains("restore_hold_lifted"))

        // It publishes again, after the newest entry: Beijing syncs it as one history.
        let more = sichuan.cli.data.file("more.json")
        #expect(try sichuan.cli.run("generate", "--region", "sichuan", "--count", "2", "--seed", "78", "--out", more).status == 0)
        #expect(try sichuan.cli.run("import", more).status == 0)
        let synced = try beijing.sync()
        #expect(synced.stdout.contains("origin sichuan: ok \(newest) → \(newest + 2) entries"), "\(synced.stdout)")
        let status = try beijing.cli.json("peer", "status", "--json")
        let origin = try #require(status["origins"]?.arrayValue?.first { $0["origin"]?.stringValue == "sichuan" })
        #expect(origin["state"]?.stringValue == "ok", "\(origin)")
    }

    /// Without every peer answering the hold stays; `--latest` is the operator's word. A backup of
    /// another node, or one whose log was altered, is refused and changes nothing.
    @Test(.timeLimit(.minutes(4)))
    func theHoldStaysUntilEveryPeerAnswersAndABadBackupChangesNothing() throws {
        let node = try FederationNode("chongqing")
        let other = try FederationNode("beijing")
        let backups = try TemporaryDirectory(prefix: "backups")
        let backup = backups.file("chongqing.db")
        #expect(try node.cli.run("backup", backup).status == 0)

        let foreign = backups.file("beijing.db")
        #expect(try other.cli.run("backup", foreign).status == 0)
        let database = node.cli.data.file("kechuang.db")
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let wrongNode = try node.cli.run("restore", foreign)
        #expect(wrongNode.status == 1)
        #expect(wrongNode.stderr.contains("holds node chongqing") && wrongNode.stderr.contains("backup of beijing"), "\(wrongNode.stderr)")

        // One body byte changed in a copy of the backup: the restore names the file and refuses.
        let altered = backups.file("altered.db")
        try FileManager.default.copyItem(atPath: backup, toPath: altered)
        let edit = try ProcessRunner.run(
            "/usr/bin/python3",
            ["-c", """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1])
                db.execute("UPDATE log_entries SET body = CAST(replace(CAST(body AS TEXT), '重庆', '重慶') AS BLOB) WHERE origin = 'chongqing' AND seq = 3")
                assert db.total_changes == 1
                db.commit()
                """, altered],
            timeout: 60)
        #expect(edit.status == 0, "\(edit.stderr)")
        let bad = try node.cli.run("restore", altered)
        #expect(bad.status == 2, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stderr.contains("/feeds/chongqing/bodies/") && bad.stderr.contains("nothing was restored"), "\(bad.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before, "a refused restore changes nothing")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: node.cli.data.path).filter { $0.contains(".restoring-") }
        #expect(leftovers.isEmpty, "\(leftovers)")

        // Crafted backups, each refused naming what is wrong, and changing nothing:
        // - a schema object kechuang never makes (a trigger erasing audit rows, a view in place
        //   of a table that would hang the first query): refused before anything of it is queried
        //   or run;
        // - logs that verify but records edited (a forged title under the node's id) or lost.
        for (name, sql, said) in [
            ("trigger.db", "CREATE TRIGGER zz_audit_eraser AFTER INSERT ON audit BEGIN DELETE FROM audit WHERE rowid = NEW.rowid; END", "trigger zz_audit_eraser"),
            ("view.db", "DROP TABLE records; CREATE VIEW records AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i AS id FROM n", "view records"),
            ("forged.db", "UPDATE records SET body = replace(body, '\"title\":\"', '\"title\":\"FORGED ') WHERE rowid = (SELECT min(rowid) FROM records)", "unlike the entry seq"),
            ("lost.db", "DELETE FROM records WHERE rowid = (SELECT max(rowid) FROM records)", "records lacks"),
        ] {
            let crafted = backups.file(name)
            try FileManager.default.copyItem(atPath: backup, toPath: crafted)
            let craft = try ProcessRunner.run(
                "/usr/bin/python3", ["-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()", crafted, sql],
                timeout: 60)
            #expect(craft.status == 0, "\(craft.stderr)")
            let refused = try node.cli.run("restore", crafted)
            #expect(refused.status == 2, "\(name): \(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains(said) && refused.stderr.contains("nothing was restored"), "\(name): \(refused.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before, "\(name): a refused restore changes nothing")
        }

        // A file that is not a backup: refused before anything is made.
        let text = try backups.write("notes.txt", "not a database")
        let fresh = backups.file("fresh-node")
        let notBackup = try ProcessRunner.run(Repository.binary, ["--data", fresh, "restore", text], timeout: 60)
        #expect(notBackup.status == 2 && notBackup.stderr.contains("not a kechuang database"), "\(notBackup.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fresh))

        let restored = try node.cli.run("restore", backup)
        #expect(restored.status == 0, "\(restored.stderr)")
        let alone = try node.cli.run("sync")
        #expect(alone.stdout.contains("restore hold: kept: this node has no peer to catch up from"), "\(alone.stdout)")
        // A peer that cannot answer (nothing listens on port 9 of loopback).
        #expect(try node.cli.run("peer", "add", "beijing", "http://127.0.0.1:9", "--root-key", other.root).status == 0)
        let sync = try node.cli.run("sync", "--json")
        #expect(sync.status == 1)
        let report = try JSONParser.parse(Array(sync.stdout.utf8))
        #expect(report["restore_hold"]?["lifted"] == false, "\(sync.stdout)")
        #expect(report["restore_hold"]?["message"]?.stringValue?.hasPrefix("kept: not every peer answered in this sync (beijing)") == true, "\(sync.stdout)")
        #expect(try node.cli.run("import", Repository.root + "/protocols/examples/chongqing.json").status == 1)
        #expect(try node.cli.run("restore").status == 2, "SRC or --latest")

        let latest = try node.cli.run("restore", "--latest")
        #expect(latest.status == 0)
        #expect(latest.stdout.contains("Restore hold lifted"), "\(latest.stdout)")
        let extra = node.cli.data.file("extra.json")
        #expect(try node.cli.run("generate", "--region", "chongqing", "--count", "1", "--seed", "5", "--out", extra).status == 0)
        let imported = try node.cli.run("import", extra)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try node.cli.run("restore", "--latest").stdout.contains("is not held"))
        let audit = try node.cli.run("audit").stdout
        #expect(audit.contains("operator  restore chongqing") && audit.contains("asserted by the operator"), "\(audit)")

        // A database that no longer opens is what a restore is for: replaced, and kept aside.
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
            try FileManager.default.removeItem(atPath: database + suffix)
        }
        try garbage.write(to: URL(fileURLWithPath: database))
        #expect(try node.cli.run("search", "重庆").status != 0)
        let rescued = try node.cli.run("restore", backup)
        #expect(rescued.status == 0 && rescued.stdout.contains("it does not open"), "\(rescued.stdout)\(rescued.stderr)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: node.cli.data.path).filter { $0.hasPrefix("kechuang.db.replaced-") && !$0.hasSuffix("-wal") }
        #expect(try kept.contains { try Data(contentsOf: URL(fileURLWithPath: node.cli.data.file($0))) == garbage }, "\(kept)")
        #expect(try node.cli.run("search", "重庆").status == 0)
        // Again at once (most likely within the same second): the earlier one kept aside stays.
        let again = try node.cli.run("restore", backup)
        #expect(again.status == 0, "\(again.stderr)")
        let asides = try FileManager.default.contentsOfDirectory(atPath: node.cli.data.path).filter { $0.hasPrefix("kechuang.db.replaced-") && !$0.hasSuffix("-wal") }
        #expect(asides.count == kept.count + 1, "\(asides)")
        // A -wal left without its database is moved aside, never replayed onto the restored one.
        try FileManager.default.removeItem(atPath: database)
        try garbage.write(to: URL(fileURLWithPath: database + "-wal"))
        let orphan = try node.cli.run("restore", backup, "--latest")
        #expect(orphan.status == 0 && orphan.stdout.contains("a -wal file without its database"), "\(orphan.stdout)\(orphan.stderr)")
        #expect(try node.cli.run("search", "重庆").status == 0)
    }
}
