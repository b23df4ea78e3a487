public import Catalog

/// What the store answers about the current records, for the cluster search.
///
/// The store backs it with SQLite (a records table, an index on the duplicate key and a links
/// table); tests use `InMemoryGraph`. Every answer is about the current state: removed records are
/// never returned.
public protocol MergeGraph {
    /// The current state of a record, nil if it is absent.
    func record(_ id: RecordID) -> Project?
    /// The current records whose duplicate key (`Merge.duplicateKey`) is `key`.
    func records(withDuplicateKey key: String) -> [RecordID]
    /// The `same_as` targets the record declares, whether they exist or not.
    func linksFrom(_ id: RecordID) -> [RecordID]
    /// The current records whose `same_as` names `id`.
    func linksTo(_ id: RecordID) -> [RecordID]
}
