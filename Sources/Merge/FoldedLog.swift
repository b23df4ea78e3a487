public import Catalog

/// The current records of one origin, folded from its log entry by entry (`Merge.fold`).
///
/// The store keeps the same state in its tables; this in-memory form serves tests, tools and first
/// builds, and shows the bookkeeping around `Merge.fold` in one place.
public struct FoldedLog: Sendable {
    /// An entry that changed nothing, with the reason.
    public struct IgnoredEntry: Sendable, Hashable {
        public let seq: Int
        public let id: String
        public let reason: String
    }

    /// The origin whose log this is.
    public let origin: String
    /// The current records, by id.
    public private(set) var records: [RecordID: Project] = [:]
    /// The accepted typed objects (deals), by id: their body lines.
    public private(set) var objects: [TypedObjectID: [UInt8]] = [:]
    /// The last accepted version of every id seen, removed ones included (so a re-created record
    /// continues after its tombstone).
    public private(set) var lastVersions: [String: Int] = [:]
    /// The entries ignored so far, in log order.
    public private(set) var ignored: [IgnoredEntry] = []

    /// An empty log of `origin`.
    public init(origin: String) { self.origin = origin }

    /// Folds `entries` in order into an empty log of `origin`.
    public init(origin: String, entries: some Sequence<FoldInput>) {
        self.init(origin: origin)
        for entry in entries { apply(entry) }
    }

    /// Applies the next entry of the log.
    ///
    /// - Returns: The decision `Merge.fold` took.
    @discardableResult
    public mutating func apply(_ entry: FoldInput) -> FoldDecision {
        let decision = Merge.fold(entry, origin: origin, lastVersion: lastVersions[entry.id])
        switch decision {
        case .put(let project):
            records[project.id] = project
            lastVersions[entry.id] = entry.version
        case .remove:
            if let id = RecordID(entry.id) { records[id] = nil }
            if let id = TypedObjectID(entry.id) { objects[id] = nil }
            lastVersions[entry.id] = entry.version
        case .object(let id, let body):
            objects[id] = body
            lastVersions[entry.id] = entry.version
        case .skip:
            break
        case .ignore(let reason):
            ignored.append(IgnoredEntry(seq: entry.seq, id: entry.id, reason: reason))
        }
        return decision
    }
}
