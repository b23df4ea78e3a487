/// One entry of an origin's log, as the merge needs it: what it does to which record, and the body.
///
/// The store builds it from a verified log entry and its body line. Merge does not import Feed, so
/// the operation is its own enumeration, spelled as the feed spells it (`FoldInput.Operation(rawValue:
/// entry.op.rawValue)`).
public struct FoldInput: Sendable, Hashable {
    /// What an entry does (feed.md §2).
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        /// The body is the record's new state.
        case put
        /// The record is gone.
        case delete
        /// The bodies of the record's earlier entries are erased, and the record is gone.
        case redact
        /// A key statement, not a record.
        case key
    }

    /// The entry's position in its log.
    public let seq: Int
    public let op: Operation
    /// `origin:local-id`, or `origin:~keys` for key statements.
    public let id: String
    public let version: Int
    /// For `put`: the body line, exactly as published; nil when it was erased by a redaction (the
    /// body file holds a redaction marker). Ignored for other operations.
    public let body: [UInt8]?

    public init(seq: Int, op: Operation, id: String, version: Int, body: [UInt8]? = nil) {
        self.seq = seq
        self.op = op
        self.id = id
        self.version = version
        self.body = body
    }
}
