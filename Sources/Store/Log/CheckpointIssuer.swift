import Catalog
import Feed
import Foundation
import Signing
import SQLite

/// Signs checkpoints of the node's own log and stores them.
///
/// A checkpoint is issued when the log is longer than the last one, or when the last one is older
/// than `reissueAfter` (a day: the origin re-issues well before the week-long expiry), or when
/// asked. The stored checkpoint is what `/feeds/{origin}/checkpoint.json` serves.
struct CheckpointIssuer {
    let connection: Connection
    let origin: String
    static let reissueAfter: TimeInterval = 86_400
    static let validity: TimeInterval = 7 * 86_400

    /// Issues a checkpoint if one is due.
    ///
    /// - Returns: the new checkpoint, or nil when the stored one is current.
    func issueIfDue(key: Ed25519PrivateKey, now: Date, force: Bool = false) throws -> Checkpoint? {
        let reader = LogReader(connection: connection)
        let size = try reader.size(origin: origin)
        if !force, let current = try reader.checkpoint(origin: origin), current.size == size,
            now.timeIntervalSince(current.issued) < Self.reissueAfter
        {
            return nil
        }
        let root = try reader.pageRoots(origin: origin, size: size).root
        let checkpoint = try Checkpoint.sign(
            origin: origin, size: size, root: root, issuedAt: now, validity: Self.validity, key: key)
        try connection.run(
            "INSERT OR REPLACE INTO checkpoints (origin, size, issued_at, checkpoint) VALUES (?, ?, ?, ?)",
            [.text(origin), .integer(Int64(size)), .text(checkpoint.issuedAt), .blob(checkpoint.bytes)])
        return checkpoint
    }

    /// Signs the node manifest (feed.md §8) listing the origins the node serves.
    func signManifest(node: NodeInfo, rootKey: Ed25519PublicKey, mirrors: [String], key: Ed25519PrivateKey, now: Date) throws {
        let others = try LogReader(connection: connection).origins().filter { $0 != node.id }
        let manifest = try NodeManifest.sign(
            nodeID: node.id, name: node.name, region: node.region.code, rootKey: rootKey, origins: [node.id] + others,
            mirrors: mirrors, issuedAt: now, key: key)
        try connection.run(
            "INSERT OR REPLACE INTO published (name, bytes) VALUES ('manifest', ?)", [.blob(manifest.bytes)])
    }
}
