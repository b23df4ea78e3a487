public import Catalog

/// A `MergeGraph` over records held in dictionaries: for full rebuilds and tests.
public struct InMemoryGraph: MergeGraph, Sendable {
    /// The current records, by id.
    public private(set) var projects: [RecordID: Project] = [:]
    private var keys: [RecordID: String] = [:]
    private var byKey: [String: Set<RecordID>] = [:]
    /// Link target → the current records whose `same_as` names it (the target need not exist).
    private var inbound: [RecordID: Set<RecordID>] = [:]

    /// A graph of `records`; of two records with one id, the later wins.
    public init(_ records: [Project] = []) {
        for project in records { upsert(project) }
    }

    /// The ids of the current records, in no particular order.
    public var ids: Dictionary<RecordID, Project>.Keys { projects.keys }

    /// Adds a record or replaces the record with its id.
    public mutating func upsert(_ project: Project) {
        remove(project.id)
        let key = Merge.duplicateKey(project)
        projects[project.id] = project
        keys[project.id] = key
        byKey[key, default: []].insert(project.id)
        for target in project.sameAs { inbound[target, default: []].insert(project.id) }
    }

    /// Removes a record, if present.
    public mutating func remove(_ id: RecordID) {
        guard let old = projects.removeValue(forKey: id), let key = keys.removeValue(forKey: id) else { return }
        byKey[key]?.remove(id)
        if byKey[key]?.isEmpty == true { byKey[key] = nil }
        for target in old.sameAs {
            inbound[target]?.remove(id)
            if inbound[target]?.isEmpty == true { inbound[target] = nil }
        }
    }

    public func record(_ id: RecordID) -> Project? { projects[id] }

    public func records(withDuplicateKey key: String) -> [RecordID] { (byKey[key] ?? []).sorted() }

    public func linksFrom(_ id: RecordID) -> [RecordID] { projects[id]?.sameAs ?? [] }

    public func linksTo(_ id: RecordID) -> [RecordID] { (inbound[id] ?? []).sorted() }
}
