import Merge

/// The last accepted version of every record id of an audited log, folded with the merge's rules.
///
/// An auditor must ignore exactly the record entries every node's merge ignores (merge.md §2), so
/// it asks `Merge.fold` rather than restating the rules: an entry whose `put` body is invalid is
/// ignored and its version does not count, so a later entry with a smaller version may still be
/// accepted. Only versions are kept, not the records, so memory grows with the number of ids.
struct AuditedRecords {
    let origin: String
    /// The version of the last accepted `put`, `delete` or `redact` of each id (merge.md §2).
    private var lastVersions: [String: Int] = [:]

    init(origin: String) { self.origin = origin }

    /// Folds the next record entry of the log (not a `key` entry, which has the feed's own rules).
    ///
    /// - Returns: why the merge ignores the entry (its reason without the `entry N:` prefix), or nil
    ///   when the entry is accepted or skipped.
    mutating func apply(_ entry: LogEntry, body: FeedVerifier.Body) -> String? {
        switch Merge.fold(FoldInput(entry, body: body.content), origin: origin, lastVersion: lastVersions[entry.id]) {
        case .put, .remove, .object:
            lastVersions[entry.id] = entry.version
            return nil
        case .skip:
            return nil
        case .ignore(let reason):
            let prefix = "entry \(entry.seq): "
            return reason.hasPrefix(prefix) ? String(reason.dropFirst(prefix.count)) : reason
        }
    }
}
