public import Catalog

/// What the store answers about the current records, for the cluster search.
///
/// The store backs it with SQLite (a records table, an index on the duplicate key and a links
/// table); tests use `InMemoryGraph`. Every answer is about the current state: removed records are
/// never returned.
///
/// A graph that can fail to read (the store's) throws `Failure`, and the search throws it on:
/// a record that cannot be read is never taken for an absent one. An in-memory graph never fails
/// (`Failure` is `Never`), and its callers need no `try`.
public protocol MergeGraph {
    associatedtype Failure: Error = Never
    /// The current state of a record, nil if it is absent.
    func record(_ id: RecordID) throws(Failure) -> Project?
    /// The current records whose duplicate key (`Merge.duplicateKey`) is `key`.
    func records(withDuplicateKey key: String) throws(Failure) -> [RecordID]
    /// The `same_as` targets the record declares, whether they exist or not.
    func linksFrom(_ id: RecordID) throws(Failure) -> [RecordID]
    /// The current records whose `same_as` names `id`.
    func linksTo(_ id: RecordID) throws(Failure) -> [RecordID]
}
