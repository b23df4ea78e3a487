public import Merge

extension FoldInput {
    /// The fold's input (merge.md §2) for a log entry and its body: nil when it has none, or when
    /// the body was erased (a redaction marker).
    public init(_ entry: LogEntry, body: [UInt8]?) {
        let op: Operation = switch entry.op {
        case .put: .put
        case .delete: .delete
        case .redact: .redact
        case .key: .key
        }
        self.init(seq: entry.seq, op: op, id: entry.id, version: entry.version, body: body)
    }
}

extension FeedVerifier.Body {
    /// The record or statement bytes, for `put` and `key` entries whose body is present.
    public var content: [UInt8]? {
        if case .body(let bytes) = self { return bytes }
        return nil
    }
}
