import Catalog
import Feed
import Foundation
import Signing
import SQLite

/// Verifies every log a restored database holds before the node uses it (`kechuang restore`):
/// each origin's feed, as the node would serve it, audited end to end as `kechuang verify` does
/// (`FeedAuditor`: key statements under the root key, the checkpoint's signature, every page
/// against the signed tree, every body against its entry or a valid redaction marker), with the
/// node's own root key for its own origin and the pinned key for every other. Entries held beyond
/// the last checkpoint (the node's writes not yet signed, or a sync interrupted after applying
/// pages of a larger tree) are checked as far as they can be without a signature: in order, of
/// the origin, each body that of its entry.
///
/// Expiry is not a failure: a backup is usually older than its checkpoints' week.
struct RestoredLogs {
    let connection: Connection
    let node: String
    let rootKey: Ed25519PublicKey
    let now: Date

    /// Reads the feed files from the database being restored.
    private struct Source: FeedSource {
        let reader: FeedReader
        func fetch(_ path: String) throws -> [UInt8]? {
            guard let resource = FeedPath.resource(path) else { return nil }
            return try reader.file(resource)?.bytes
        }
    }

    func verify() throws -> [RestoredLog] {
        let reader = FeedReader(connection: connection)
        let pinned = try connection.prepare("SELECT origin, root_key FROM trusted_origins").query { ($0.text(0) ?? "", $0.text(1) ?? "") }
        var keys: [String: Ed25519PublicKey] = [node: rootKey]
        for (origin, text) in pinned {
            do { keys[origin] = try Ed25519PublicKey(text: text) } catch {
                throw StoreError.corrupt("trusted_origins: the pinned root key of \(origin) does not decode: \(error)")
            }
        }
        let held = try connection.prepare("SELECT origin, max(seq) + 1 FROM log_entries GROUP BY origin ORDER BY origin")
            .query { ($0.text(0) ?? "", $0.int(1)) }
        var logs: [RestoredLog] = []
        for (origin, size) in held {
            guard let key = keys[origin] else {
                throw StoreError.corrupt("the log of \(origin) is held, but no root key is pinned for it")
            }
            var signed = 0
            var expiresAt: String?
            var redactions: [Int: String] = [:]
            if let checkpoint = try reader.checkpoint(origin: origin) {
                var auditor = FeedAuditor(source: Source(reader: reader), rootKey: key, now: now)
                auditor.redactionsBeyondCheckpoint = Dictionary(
                    try connection.prepare("SELECT seq, record_id FROM log_entries WHERE origin = ? AND seq >= ? AND op = 'redact'")
                        .query([.text(origin), .integer(Int64(checkpoint.size))]) { ($0.int(0), $0.text(1) ?? "") },
                    uniquingKeysWith: { first, _ in first })
                let report = try auditor.audit(origin: origin, deferringExpiry: true)
                signed = report.checkpoint?.size ?? 0
                expiresAt = report.checkpoint?.expiresAt
                redactions = report.redactions
            }
            try verifyTail(origin: origin, from: signed, to: size, reader: reader, redactions: redactions)
            // What the node serves (records, typed objects) must be what the verified log folds to.
            try RestoredState(connection: connection).verify(origin: origin)
            logs.append(RestoredLog(origin: origin, entries: size, signed: signed, expiresAt: expiresAt))
        }
        return logs
    }

    /// Entries `from..<to` of `origin`, which no checkpoint held covers.
    private func verifyTail(origin: String, from: Int, to: Int, reader: FeedReader, redactions: [Int: String]) throws {
        guard from < to else { return }
        let verifier = FeedVerifier(origin: origin)
        var redactions = redactions
        var claims: [(claim: FeedVerifier.RedactionClaim, path: String)] = []
        for page in (from / Feed.pageSize)...((to - 1) / Feed.pageSize) {
            let width = min(Feed.pageSize, to - page * Feed.pageSize)
            let pagePath = FeedPath.page(origin, page, width: width), bodiesPath = FeedPath.bodies(origin, page, width: width)
            guard let entryFile = try reader.file(.page(origin: origin, page: page, width: width)),
                let bodyFile = try reader.file(.bodies(origin: origin, page: page, width: width))
            else { throw StoreError.corrupt("\(pagePath): not held") }
            let entries: [LogEntry]
            do { entries = try verifier.entries(page: page, bytes: entryFile.bytes, count: width) } catch { throw error.at(pagePath) }
            let checked: (bodies: [FeedVerifier.Body], claims: [FeedVerifier.RedactionClaim])
            do { checked = try verifier.bodies(bodyFile.bytes, entries: entries) } catch { throw error.at(bodiesPath) }
            for entry in entries where entry.op == .redact && entry.origin == origin { redactions[entry.seq] = entry.id }
            claims += checked.claims.map { ($0, bodiesPath) }
        }
        for (claim, path) in claims {
            do { try verifier.resolve(claim, redactedID: redactions[claim.redactSeq]) } catch { throw error.at(path) }
        }
    }
}
