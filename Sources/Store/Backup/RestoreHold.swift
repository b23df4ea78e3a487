import Catalog
public import Foundation
import JSON
public import Signing
import SQLite

/// What a node restored from a backup remembers until its own log is known to be the newest
/// (`kechuang restore`, README "Backup and restore"): when it was restored, from what, the size
/// its own log had, and its root key.
///
/// While it is set, the node reads and serves (its feed as restored, verbatim), but publishes
/// nothing: imports, writes, key statements and checkpoints are refused (`StoreError.held`).
/// The backup may be older than the log its peers hold: a new entry at a seq they already hold
/// would be a second history of the origin, a fork for every peer. The hold is lifted by a sync
/// in which every peer answered and, once caught up from them, none holds more of the origin
/// (`SyncPipeline`), or by the operator (`kechuang restore --latest`).
///
/// Stored as one JSON value in the `node` table (key `restore_hold`), so a restored file carries
/// its own hold.
public struct RestoreHold: Sendable, Equatable {
    /// When the data was restored (RFC 3339 UTC).
    public let restoredAt: String
    /// The backup file it came from, as given to `restore`.
    public let source: String
    /// The size of the node's own log in the backup.
    public let size: Int
    /// The node's root key: the sync verifies its own origin's checkpoints with it.
    public let rootKey: Ed25519PublicKey

    static let key = "restore_hold"

    public init(restoredAt: String, source: String, size: Int, rootKey: Ed25519PublicKey) {
        self.restoredAt = restoredAt
        self.source = source
        self.size = size
        self.rootKey = rootKey
    }

    /// The trust the sync brings the node's own origin up to date with while the hold lasts:
    /// the node's root key, dated by the restore (a later restore is another trust, so a sync
    /// begun before it writes nothing after it).
    public func trust(origin: String) -> TrustedOrigin {
        TrustedOrigin(origin: origin, rootKey: rootKey, addedAt: restoredAt)
    }

    /// The message of every refused write.
    public func refusal(origin: String) -> String {
        "this node was restored from a backup (\(source), at \(restoredAt)) with its own log at \(size) entries, and publishes "
            + "nothing until that log is known to be the newest: publishing from an older state would fork origin \(origin) for "
            + "every peer. Run `kechuang sync` with its peers reachable (it catches up from any that holds more, and lifts the "
            + "hold once every peer has answered and none holds anything newer), or, if no peer or mirror can hold a newer "
            + "copy, `kechuang restore --latest`"
    }

    var json: JSONValue {
        ["restored_at": .string(restoredAt), "source": .string(source), "size": .number(Double(size)), "root_key": .string(rootKey.text)]
    }

    init(json value: JSONValue) throws {
        guard let restoredAt = value["restored_at"]?.stringValue, let source = value["source"]?.stringValue,
            let size = value["size"]?.intValue, let keyText = value["root_key"]?.stringValue
        else { throw StoreError.corrupt("node.restore_hold lacks a member: \(String(decoding: JSONWriter.write(value, pretty: false), as: UTF8.self))") }
        let key: Ed25519PublicKey
        do { key = try Ed25519PublicKey(text: keyText) } catch { throw StoreError.corrupt("node.restore_hold root_key: \(error)") }
        self.init(restoredAt: restoredAt, source: source, size: size, rootKey: key)
    }

    /// The hold stored in `connection`'s database, if any.
    static func read(_ connection: Connection) throws -> RestoreHold? {
        guard let text = try connection.prepare("SELECT value FROM node WHERE key = ?").queryFirst([.text(key)], row: { $0.text(0) }) ?? nil
        else { return nil }
        let value: JSONValue
        do { value = try JSONParser.parse(Array(text.utf8)) } catch { throw StoreError.corrupt("node.restore_hold is not JSON: \(error)") }
        return try RestoreHold(json: value)
    }

    /// Stores the hold in `connection`'s database.
    func write(_ connection: Connection) throws {
        try connection.run(
            "INSERT OR REPLACE INTO node (key, value) VALUES (?, ?)",
            [.text(Self.key), .text(String(decoding: JSONWriter.write(json, pretty: false), as: UTF8.self))])
    }
}

extension CatalogStore {
    /// The restore hold, when this node was restored and its own log is not yet known to be the newest.
    public func restoreHold() throws -> RestoreHold? { try RestoreHold.read(connection) }

    /// Refuses a write of this node's own origin while a restore hold lasts.
    func requireNotHeld() throws {
        if let hold = try RestoreHold.read(connection) { throw StoreError.held(hold.refusal(origin: node.id)) }
    }

    /// Lifts the restore hold: the node's own log is known to be the newest (`why` says how), so
    /// it publishes again. The sync state kept for its own origin during the catch-up is dropped
    /// (a node's own origin has none otherwise), and the audit trail records who lifted it.
    ///
    /// - Returns: the hold lifted, or nil when there was none.
    @discardableResult
    public func liftRestoreHold(why: String, by actor: String, now: Date = Date()) throws -> RestoreHold? {
        try connection.transaction {
            guard let hold = try RestoreHold.read(connection) else { return nil }
            try connection.run("DELETE FROM node WHERE key = ?", [.text(RestoreHold.key)])
            try connection.run("DELETE FROM origin_state WHERE origin = ?", [.text(node.id)])
            try recordAudit(
                token: actor, action: "restore_hold_lifted", target: node.id,
                detail: "restored at \(hold.restoredAt) from \(hold.source) with \(hold.size) entries; \(why)", now: now)
            return hold
        }
    }
}

extension FeedReader {
    /// The restore hold of the node whose database this reads (`/metrics` shows it).
    public func restoreHold() throws -> RestoreHold? { try RestoreHold.read(connection) }
}
