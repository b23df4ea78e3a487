public import Catalog

/// What one log entry does to the state of its origin's records (`Merge.fold`).
///
/// The decision, not the wording of a reason, is what every node agrees on.
public enum FoldDecision: Sendable, Equatable {
    /// The record's state is now this project; its version is the id's last accepted version.
    case put(Project)
    /// The record is absent (`delete`, `redact`, or a `put` whose body was erased); the entry's
    /// version is the id's last accepted version.
    case remove
    /// A typed object's new state (a deal): its id and its canonical body line. The id's last
    /// accepted version is the entry's; no project changes.
    case object(TypedObjectID, body: [UInt8])
    /// A key entry, or a typed object of a type this reader does not know: no record changes and
    /// nothing is reported.
    case skip
    /// The entry changes nothing and is reported. It stays in the log and is relayed.
    case ignore(reason: String)
}
