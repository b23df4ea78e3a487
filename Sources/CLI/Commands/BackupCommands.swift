import Catalog
import Foundation
import JSON
import Signing
import Store

/// `kechuang backup DEST`: the node's database copied with SQLite's online backup.
enum BackupCommand: Command {
    static let spec = CommandSpec(
        name: "backup",
        summary: "Copy the node's database to a new file, consistent while serve runs and syncs.",
        usage: "DEST [--json]",
        discussion: """
            Writes DEST (a new file; an existing one is never replaced) with SQLite's online
            backup: one consistent snapshot of the database taken while `kechuang serve` goes on
            serving, syncing and writing. DEST is created mode 0600, as it holds every contact in
            full, and is a self-contained SQLite file (no -wal beside it), checked with
            quick_check before it is given its name: it is whole or absent.

            It holds the catalog, every origin's log with its checkpoints, the trusted origins,
            peers, deals, roadshows and the audit trail. Keys and tokens are NOT included:
            DIR/keys (the checkpoint keys; the root key belongs offline), DIR/admin.token and
            DIR/staff.tokens are copied separately and rarely change (deploy/README.md, "Backup
            and restore"). `kechuang restore DEST` brings it back.
            """,
        positionals: [("DEST", "The backup file to create.")],
        options: [.flag("--json", "Print the summary as JSON.")],
        minPositionals: 1, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let destination = context.arguments.positionals[0]
        let summary = try StoreBackup.write(database: context.data.database, to: destination)
        if context.arguments.flag("--json") {
            context.out.json([
                "file": .string(destination), "bytes": .number(Double(summary.bytes)), "node": .string(summary.node.id),
                "records": .number(Double(summary.records)), "logs": .object(summary.logs.mapValues { .number(Double($0)) }),
                "keys_included": false,
            ])
            return
        }
        context.out.line("Backed up \(summary.node.id) to \(destination) (\(summary.bytes) bytes, mode 0600): \(summary.records) records")
        for (origin, entries) in summary.logs.sorted(by: { $0.key < $1.key }) {
            context.out.line("  log \(origin): \(entries) entries\(origin == summary.node.id ? " (own)" : "")")
        }
        context.out.line("Keys and tokens are not in the backup: keep a copy of \(context.data.keys) (the root key offline) and \(context.data.adminToken).")
    }
}

/// `kechuang restore SRC [--latest]`, and `kechuang restore --latest` on a restored node.
enum RestoreCommand: Command {
    static let spec = CommandSpec(
        name: "restore",
        summary: "Restore the node's database from a backup; it publishes again once its own log is known to be the newest.",
        usage: "[SRC] [--latest] [--json]",
        discussion: """
            Restores the backup SRC (written by `kechuang backup`) into the data directory:
              - refuses while anything uses the directory (serve, or another command: they hold
                DIR/kechuang.lock), and refuses a backup of another node than the one there;
              - verifies every log in the backup as `kechuang verify` does: the node's own
                against DIR/keys/root.pub (or, when that file is missing, the root key its
                manifest names, written to keys/root.pub), every other against its pinned key;
                entries beyond the last checkpoint are checked in order and against their bodies.
                A failure names the origin, file, line or seq, and nothing is changed;
              - keeps the database it replaces as kechuang.db.replaced-TIME (with its -wal).
            The restored node reads and serves at once (its feed verbatim, as restored), but
            publishes nothing new (imports, writes, redactions, key statements and checkpoints
            are refused, exit 1, HTTP 409) until its own log is known to be the newest. The backup
            may be older than what its peers hold, and a new entry at a seq they hold would fork
            the origin for every peer. `kechuang sync` (or serve's periodic sync) catches the
            node's own log up from any peer or mirror that relays a newer copy (verified against
            the root key, redactions made after the backup re-applied), and lifts the hold once
            every peer has answered and none holds more; it prints `restore hold: kept — …` with
            why until then.

            --latest asserts that no peer or mirror holds a newer copy of the node's log (the
            node never synced since the backup, or every copy was lost): with SRC it restores
            without the hold; alone it lifts the hold of the node restored here. Publishing from
            an older state than a copy that does exist forks the origin.

            Keys are not in a backup: copy DIR/keys (checkpoint keys) and DIR/admin.token back
            from where they are kept. Exit codes: 0 restored (or lifted), 1 refused or failed,
            2 bad usage or a file that is not a backup.
            """,
        positionals: [("SRC", "The backup file (omit it with --latest to lift the hold of the node restored here).")],
        options: [
            .flag("--latest", "Assert that no newer copy of the node's own log exists anywhere: publish at once."),
            .flag("--json", "Print the outcome as JSON."),
        ],
        minPositionals: 0, maxPositionals: 1)

    static func run(_ context: Context) async throws {
        let latest = context.arguments.flag("--latest")
        guard let source = context.arguments.positionals.first else {
            guard latest else { throw CLIError.usage("restore: name the backup file (kechuang restore SRC), or pass --latest alone to lift the hold") }
            try await liftHold(context)
            return
        }
        guard FileManager.default.fileExists(atPath: source) else { throw CLIError.usage("restore: \(source): no such file") }
        // A file that is not a backup is refused before anything is made.
        let backup: BackupSummary
        do { backup = try StoreBackup.summary(of: source) } catch { throw CLIError.usage("restore: \(error)") }
        let data = context.data
        if !FileManager.default.fileExists(atPath: data.path) {
            try FileManager.default.createDirectory(atPath: data.path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let lock = try data.lock(exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        try await restore(source, backup, latest: latest, context: context)
    }

    private static func restore(_ source: String, _ backup: BackupSummary, latest: Bool, context: Context) async throws {
        let data = context.data
        // The database there, if it opens, must be the same node's.
        var replacedNote: String?
        if FileManager.default.fileExists(atPath: data.database) {
            do {
                let present = try StoreBackup.summary(of: data.database)
                guard present.node.id == backup.node.id else {
                    throw CLIError.failure(
                        "restore: \(data.database) holds node \(present.node.id); \(source) is a backup of \(backup.node.id). "
                            + "Restore into an empty data directory (--data DIR), or move that database away first")
                }
                replacedNote = "it held \(present.ownEntries) entries of the node's own log"
            } catch let error as CLIError {
                throw error
            } catch {
                replacedNote = "it does not open (\(error))"
            }
        }
        let rootPub = FileManager.default.fileExists(atPath: data.rootPublicKey) ? try NodeKeys.rootPublicKey(data) : nil
        let partial = data.database + ".restoring-" + Hex.encode(SecureRandom.bytes(6))
        let now = context.now
        let restored = try StoreBackup.prepareRestore(
            from: source, to: partial, ownRootKey: rootPub,
            hold: { summary, key in
                latest ? nil : RestoreHold(restoredAt: DateText.timestamp(now), source: source, size: summary.ownEntries, rootKey: key)
            }, now: now)
        // Whatever fails from here, the verified copy is not left behind.
        var installed = false
        defer { if !installed { StoreBackup.removeDatabaseFiles(partial) } }
        var replaced: String?
        // A -wal left without its database would be replayed onto the restored one: it goes aside too.
        if replacedNote == nil, FileManager.default.fileExists(atPath: data.database + "-wal") {
            replacedNote = "a -wal file without its database"
        }
        if replacedNote != nil {
            // Never over an earlier one (two restores within a second): -2, -3, … after the time.
            let stamp = data.database + ".replaced-" + DateText.timestamp(now).replacingOccurrences(of: ":", with: "")
            var aside = stamp
            var number = 1
            while FileManager.default.fileExists(atPath: aside) || FileManager.default.fileExists(atPath: aside + "-wal") {
                number += 1
                aside = stamp + "-\(number)"
            }
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: data.database + suffix) {
                try FileManager.default.moveItem(atPath: data.database + suffix, toPath: aside + suffix)
            }
            replaced = aside
        }
        if FileManager.default.fileExists(atPath: data.database + "-shm") { try FileManager.default.removeItem(atPath: data.database + "-shm") }
        try FileManager.default.moveItem(atPath: partial, toPath: data.database)
        installed = true
        KeyFile.syncDirectory(containing: data.database)
        var wroteRootKey = false
        if rootPub == nil {
            if !FileManager.default.fileExists(atPath: data.keys) {
                try FileManager.default.createDirectory(atPath: data.keys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            try KeyFile.writePublic(restored.rootKey, to: data.rootPublicKey)
            wroteRootKey = true
        }
        let missingKeys = data.checkpointKeyNumbers().filter { FileManager.default.fileExists(atPath: data.checkpointKey($0)) }.isEmpty
        report(restored, source: source, latest: latest, replaced: replaced.map { ($0, replacedNote ?? "") }, wroteRootKey: wroteRootKey,
               missingKeys: missingKeys, context: context)
    }

    private static func report(
        _ restored: (summary: BackupSummary, logs: [RestoredLog], rootKey: Ed25519PublicKey), source: String, latest: Bool,
        replaced: (path: String, note: String)?, wroteRootKey: Bool, missingKeys: Bool, context: Context
    ) {
        let node = restored.summary.node.id
        if context.arguments.flag("--json") {
            context.out.json([
                "node": .string(node), "source": .string(source), "records": .number(Double(restored.summary.records)),
                "held": .bool(!latest), "replaced": replaced.map { .string($0.path) } ?? .null,
                "root_key_written": .bool(wroteRootKey), "checkpoint_keys_missing": .bool(missingKeys),
                "logs": .array(restored.logs.map { log in
                    ["origin": .string(log.origin), "entries": .number(Double(log.entries)), "signed": .number(Double(log.signed)),
                     "expires_at": log.expiresAt.map { .string($0) } ?? .null]
                }),
            ])
            return
        }
        let out = context.out
        out.line("Restored \(node) from \(source): \(restored.summary.records) records; every log verifies")
        for log in restored.logs {
            let tail = log.entries > log.signed ? ", \(log.entries - log.signed) beyond it checked without a signature" : ""
            out.line("  log \(log.origin): \(log.entries) entries, \(log.signed) under its checkpoint\(log.expiresAt.map { " (expires \($0))" } ?? "")\(tail)")
        }
        if let replaced { out.line("The database it replaced is kept as \(replaced.path) (\(replaced.note)).") }
        if wroteRootKey {
            out.line("keys/root.pub was missing: written from the backup's manifest (\(restored.rootKey.keyID)); compare it with the key your peers pinned.")
        }
        if missingKeys {
            out.line("No checkpoint key in \(context.data.keys): copy keys/checkpoint-N.key back from where you keep them before the node signs again.")
        }
        if latest {
            out.line("--latest: its own log is taken as the newest; it publishes at once.")
        } else {
            out.line("Publishing is held: it serves what it holds, and `kechuang sync` catches its own log (\(restored.summary.ownEntries) entries) up from the peers,")
            out.line("lifting the hold once every peer has answered and none holds more. `kechuang restore --latest` asserts that none can.")
        }
    }

    /// `restore --latest` alone: the operator asserts the restored log is the newest.
    private static func liftHold(_ context: Context) async throws {
        let store = try CatalogStore(path: context.data.database)
        let why = "asserted by the operator (kechuang restore --latest)"
        let hold = try await store.liftRestoreHold(why: why, by: "operator", now: context.now)
        if context.arguments.flag("--json") {
            context.out.json(["node": .string(store.node.id), "lifted": .bool(hold != nil)])
        } else if let hold {
            context.out.line("Restore hold lifted: \(store.node.id) (restored at \(hold.restoredAt) from \(hold.source)) publishes again; \(why).")
        } else {
            context.out.line("\(store.node.id) is not held: nothing to do.")
        }
    }
}
