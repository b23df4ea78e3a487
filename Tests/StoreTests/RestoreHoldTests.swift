import Catalog
import Feed
import Foundation
import JSON
import Signing
import Store
import TestSupport
import Testing

/// The restore hold in the store (`RestoreHold`, `StoreBackup`): every write of the node's own
/// origin is refused while it lasts, and nothing is appended; lifting it lets them through.
@Suite struct RestoreHoldTests {
    /// A backup restored with a hold, opened as a store.
    static func restored(_ node: PublishingStore, latest: Bool = false) async throws -> (CatalogStore, TemporaryDirectory) {
        try await restored(node.test.path, node, latest: latest)
    }

    /// The database at `path`, a backup of `node`'s, restored.
    static func restored(_ path: String, _ node: PublishingStore, latest: Bool) async throws -> (CatalogStore, TemporaryDirectory) {
        let directory = try TemporaryDirectory(prefix: "restore")
        let backup = directory.file("backup.db")
        let summary = try StoreBackup.write(database: path, to: backup)
        #expect(summary.node.id == "sichuan")
        let target = directory.file("kechuang.db")
        let result = try StoreBackup.prepareRestore(
            from: backup, to: target, ownRootKey: node.root.publicKey,
            hold: { summary, key in
                latest ? nil : RestoreHold(restoredAt: "2027-01-01T00:00:00Z", source: backup, size: summary.ownEntries, rootKey: key)
            }, now: node.start)
        #expect(result.rootKey == node.root.publicKey)
        return (try CatalogStore(path: target), directory)
    }

    @Test func everyOwnWriteIsRefusedWhileHeldAndAllowedOnceLifted() async throws {
        let node = try await PublishingStore()
        try await node.test.importJSON(node.records(3, contact: true), now: node.start)
        try await node.publish(node.start)
        // A redaction after the last checkpoint: its markers name an entry no checkpoint covers.
        _ = try await node.test.store.redact(RecordID("sichuan:r1")!, now: node.start)
        let (store, directory) = try await Self.restored(node)
        let hold = try #require(try await store.restoreHold())
        #expect(hold.size == (try await node.test.store.logSize()))

        let path = try directory.write("more.json", RecordFixture.jsonArray(node.records(1, from: 9)))
        let statement = try KeyStatement.sign(
            origin: "sichuan", action: .authorize, key: try Ed25519PrivateKey().publicKey, fromSize: 99, issuedAt: node.start, rootKey: node.root)
        let writes: [(String, () async throws -> Void)] = [
            ("import", { _ = try await store.importProjects(from: .file(path)) }),
            ("delete", { _ = try await store.delete(RecordID("sichuan:r0")!) }),
            ("redact", { _ = try await store.redact(RecordID("sichuan:r2")!) }),
            ("key statement", { _ = try await store.appendKeyStatement(statement) }),
            ("typed object", { _ = try await store.putObject(["id": "sichuan:~deal.x", "type": "kechuang.deal/1", "version": 1]) }),
            ("checkpoint", { _ = try await store.publish(key: node.key, rootKey: node.root.publicKey, force: true) }),
        ]
        for (what, write) in writes {
            let before = try await store.logSize()
            do {
                try await write()
                Issue.record("\(what) was not refused")
            } catch let error as StoreError {
                #expect(error.isHeld, "\(what): \(error)")
                #expect(error.description.contains("restore --latest"), "\(what): \(error)")
            }
            #expect(try await store.logSize() == before, "\(what) appended nothing")
        }

        #expect(try await store.liftRestoreHold(why: "test", by: "operator") == hold)
        #expect(try await store.restoreHold() == nil)
        #expect(try await store.liftRestoreHold(why: "again", by: "operator") == nil)
        _ = try await store.importProjects(from: .file(path))
        #expect(try await store.publish(key: node.key, rootKey: node.root.publicKey) != nil)
    }

    @Test func restoringWithLatestSetsNoHoldAndABackupNeverReplacesAFile() async throws {
        let node = try await PublishingStore()
        let (store, directory) = try await Self.restored(node, latest: true)
        #expect(try await store.restoreHold() == nil)
        // A backup of a held node, restored with --latest, is not held.
        let held = try await Self.restored(node)
        #expect(try await held.0.restoreHold() != nil)
        #expect(try await Self.restored(held.0.path, node, latest: true).0.restoreHold() == nil)
        let existing = try directory.write("taken.db", "not a backup")
        #expect(throws: StoreError.self) { _ = try StoreBackup.write(database: node.test.path, to: existing) }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "not a backup")
    }
}
