public import Foundation
import Catalog
import SQLite

/// One admin write as the audit trail keeps it (`kechuang audit`).
public struct AuditEntry: Sendable, Hashable {
    public let seq: Int
    /// RFC 3339 UTC.
    public let time: String
    /// The name of the token that authorised the write (`admin` for DIR/admin.token).
    public let token: String
    /// `put`, `delete`, `import`, `put_deal`, `put_roadshow`.
    public let action: String
    /// The record, deal or roadshow id, or the import's summary target (`import`).
    public let target: String
    /// What changed, in words: `created version 1`, `1 created, 2 updated, 0 unchanged`, …
    public let detail: String
}

extension CatalogStore {
    /// Appends one admin write to the audit trail.
    public func recordAudit(token: String, action: String, target: String, detail: String, now: Date = Date()) throws {
        try connection.run(
            "INSERT INTO audit (time, token, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            [.text(DateText.timestamp(now)), .text(token), .text(action), .text(target), .text(detail)])
    }
}

extension CatalogReader {
    /// The audit trail from `since` (an RFC 3339 UTC timestamp or date; nil for all), oldest first.
    public func audit(since: String? = nil, limit: Int = 100_000) throws -> [AuditEntry] {
        try connection.prepare("SELECT seq, time, token, action, target, detail FROM audit WHERE time >= ? ORDER BY seq LIMIT ?")
            .query([.text(since ?? ""), .integer(Int64(limit))]) {
                AuditEntry(
                    seq: $0.int(0), time: $0.text(1) ?? "", token: $0.text(2) ?? "", action: $0.text(3) ?? "", target: $0.text(4) ?? "",
                    detail: $0.text(5) ?? "")
            }
    }
}
