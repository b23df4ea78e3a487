import Feed
import JSON
import SQLite

/// The personal fields a redaction removed from one of this node's records and no `put` since
/// published again, read from the node's own log.
///
/// The log remembers: a `redact` entry stays in it for good (feed.md §2, §4), and the bodies of
/// the `put` entries after it say what was published since. No copy of the erased data is kept,
/// not even a hash (a phone number's hash is the number, to anyone who tries them all), so a
/// redaction counts as removing both personal fields, whatever the erased bodies held, and a
/// new contact cannot be told apart from the erased one: either is published again only when the
/// operator says so (`import --republish`, `?republish=true`). After that, the field is an
/// ordinary one until the next redaction.
struct ErasedFields {
    let connection: Connection
    let origin: String

    /// The record fields a redaction removes (feed.md §4), as the import form names them.
    static let personal = ["contact", "service_agent"]

    /// The personal fields `id` lost to its last redaction and has not published since, with the
    /// seq of that `redact` entry; nil when nothing is erased.
    func of(_ id: String) throws -> (fields: [String], redactSeq: Int)? {
        guard let redactSeq = try connection.prepare(
            "SELECT max(seq) FROM log_entries WHERE origin = ? AND record_id = ? AND op = 'redact'"
        ).queryFirst([.text(origin), .text(id)], row: { $0.optionalInt(0) }) ?? nil
        else { return nil }
        var erased = Self.personal
        let bodies = try connection.prepare(
            "SELECT body FROM log_entries WHERE origin = ? AND record_id = ? AND op = 'put' AND seq > ? ORDER BY seq"
        ).query([.text(origin), .text(id), .integer(Int64(redactSeq))]) { $0.blob(0) ?? [] }
        for body in bodies where !erased.isEmpty {
            // The node's own published bodies: JSON it wrote, which parses (a failure is the store's).
            guard case .object(let object) = try JSONParser.parse(body, limits: Feed.bodyLimits) else { continue }
            erased.removeAll { object[$0] != nil }
        }
        return erased.isEmpty ? nil : (erased, redactSeq)
    }
}
