import Feed
import Foundation
import Signing
import SQLite

/// Reads peers, trusted origins and their sync state through a read-only connection, for
/// `kechuang peer status` and `GET /v1/peers`.
public final class FederationReader {
    private let connection: Connection

    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.noNode(path) }
        connection = try Schema.open(path: path, readOnly: true)
    }

    /// Every peer with its state.
    public func peers() throws -> [PeerStatus] {
        try connection.prepare(
            """
            SELECT p.id, p.url, p.mirrors, p.added_at, s.state, s.last_error, s.last_attempt, s.last_success,
                   COALESCE(s.failures, 0), s.retry_after, f.error, f.at
            FROM peers AS p LEFT JOIN peer_state AS s ON s.peer = p.id LEFT JOIN federation_reports AS f ON f.peer = p.id
            ORDER BY p.id
            """
        ).query { row in
            var status = PeerStatus(
                peer: Peer(id: row.text(0) ?? "", url: row.text(1) ?? "", mirrors: (row.text(2) ?? "").split(separator: " ").map(String.init),
                           addedAt: row.text(3) ?? ""),
                state: row.text(4).flatMap(SyncState.init(rawValue:)) ?? .new, lastError: row.text(5), lastAttempt: row.text(6),
                lastSuccess: row.text(7), failures: row.int(8), retryAfter: row.text(9))
            status.federatedError = row.text(10)
            status.federatedAt = row.text(11)
            return status
        }
    }

    /// Every trusted origin with its state, checkpoint, log size, ignored entries and evidence.
    public func origins() throws -> [OriginStatus] {
        let rows = try connection.prepare(
            """
            SELECT t.origin, o.state, o.last_error, o.source, o.updated_at, c.checkpoint,
                   (SELECT max(seq) + 1 FROM log_entries WHERE origin = t.origin),
                   (SELECT count(*) FROM ignored_entries WHERE origin = t.origin)
            FROM trusted_origins AS t LEFT JOIN origin_state AS o ON o.origin = t.origin
            LEFT JOIN checkpoints AS c ON c.origin = t.origin ORDER BY t.origin
            """
        ).query { row in
            (row.text(0) ?? "", row.text(1), row.text(2), row.text(3), row.text(4), row.blob(5), row.int(6), row.int(7))
        }
        return try rows.map { origin, state, error, source, updated, checkpoint, size, ignored in
            OriginStatus(
                origin: origin, state: state.flatMap(SyncState.init(rawValue:)) ?? .new, lastError: error, source: source,
                updatedAt: updated, checkpoint: try checkpoint.map { try Checkpoint(bytes: $0) }, logSize: size, ignored: ignored,
                forks: try forks(origin))
        }
    }

    /// The entries of `origin` ignored and reported by the merge rules (at most `limit`).
    public func ignoredEntries(_ origin: String, limit: Int = 100) throws -> [(seq: Int, id: String, reason: String)] {
        try connection.prepare("SELECT seq, id, reason FROM ignored_entries WHERE origin = ? ORDER BY seq LIMIT ?")
            .query([.text(origin), .integer(Int64(limit))]) { ($0.int(0), $0.text(1) ?? "", $0.text(2) ?? "") }
    }

    private func forks(_ origin: String) throws -> [ForkEvidence] {
        try connection.prepare(
            "SELECT first, first_source, second, second_source, detected_at FROM fork_evidence WHERE origin = ? ORDER BY id"
        ).query([.text(origin)]) { row in
            ForkEvidence(
                origin: origin, first: row.blob(0) ?? [], firstSource: row.text(1) ?? "", second: row.blob(2) ?? [],
                secondSource: row.text(3) ?? "", detectedAt: row.text(4) ?? "")
        }
    }
}

@available(*, unavailable)
extension FederationReader: Sendable {}
