public import Catalog

extension Merge {
    /// The clusters to recompute after the records `changed` were added, updated or removed.
    ///
    /// Only clusters that held a changed record before, or hold one now, can differ from a full
    /// rebuild: an edge between two unchanged records depends only on them, except a duplicate-key
    /// group's edges, which depend on the group's origins, and a changed record that joins or leaves
    /// a group is in that group's cluster before or after. So the search starts from every changed
    /// id and every previous co-member of one, and walks the current graph.
    ///
    /// The caller then, in one transaction: drops the previous cluster of every changed id and of
    /// every member of a returned component, stores `unify` of each component, and points each of
    /// its members at the new cluster id. Records that are gone are in no component.
    ///
    /// - Parameters:
    ///   - changed: The ids whose state changed in the batch, removed ones included.
    ///   - previousMembers: For each changed id, the members of the cluster it was in before the
    ///     batch (none for an id that is new).
    ///   - graph: The current records, after the batch.
    /// - Returns: The current components covering every record connected to a changed id or to a
    ///   previous co-member of one; each sorted by id, and sorted by their first id.
    /// - Throws: what the graph throws when it cannot read a record.
    public static func affectedClusters<Graph: MergeGraph>(
        changed: Set<RecordID>, previousMembers: [RecordID: [RecordID]], graph: Graph
    ) throws(Graph.Failure) -> [[RecordID]] {
        var seeds = changed
        for members in previousMembers.values { seeds.formUnion(members) }
        return try components(from: seeds, graph: graph)
    }

    /// The connected components of the current graph that contain the current records among
    /// `seeds`, each sorted by id, sorted by their first id.
    ///
    /// The search walks `same_as` links both ways (to records that exist) and duplicate-key groups
    /// that span at least two origins. Visited sets bound it: each record and each key is expanded
    /// once, so a search costs the size of the components it finds.
    static func components<Graph: MergeGraph>(
        from seeds: some Sequence<RecordID>, graph: Graph
    ) throws(Graph.Failure) -> [[RecordID]] {
        var visited: Set<RecordID> = []
        var expandedKeys: Set<String> = []
        var result: [[RecordID]] = []
        for seed in seeds.sorted() where !visited.contains(seed) {
            guard try graph.record(seed) != nil else { continue }
            var component: [RecordID] = []
            var pending = [seed]
            visited.insert(seed)
            while let id = pending.popLast() {
                guard let project = try graph.record(id) else { continue }
                component.append(id)
                var neighbours: [RecordID] = []
                for target in try graph.linksFrom(id) where !visited.contains(target) {
                    if try graph.record(target) != nil { neighbours.append(target) }
                }
                neighbours += try graph.linksTo(id)
                let key = duplicateKey(project)
                if expandedKeys.insert(key).inserted {
                    let group = try graph.records(withDuplicateKey: key)
                    if let first = group.first, group.contains(where: { $0.origin != first.origin }) {
                        neighbours += group
                    }
                }
                for neighbour in neighbours where visited.insert(neighbour).inserted {
                    pending.append(neighbour)
                }
            }
            result.append(component.sorted())
        }
        return result.sorted { $0[0] < $1[0] }
    }
}
