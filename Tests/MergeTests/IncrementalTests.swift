import Catalog
import Merge
import TestSupport
import Testing

/// Incremental recompute (`affectedClusters` + `unify`) stays byte-identical to a full rebuild.
@Suite struct IncrementalTests {
    /// A unified catalog maintained the way the store maintains it: a record → cluster table and
    /// the entries by cluster id, updated after each batch from the affected clusters only.
    struct MaintainedCatalog {
        var graph: InMemoryGraph
        var clusterOf: [RecordID: String] = [:]
        var entries: [String: UnifiedEntry] = [:]

        init(_ records: [Project]) {
            graph = InMemoryGraph(records)
            for entry in Merge.rebuild(records) { insert(entry) }
        }

        /// Applies a batch of changes to the records, then recomputes the touched clusters.
        ///
        /// - Returns: How many clusters were recomputed.
        mutating func apply(upserts: [Project], removals: [RecordID]) -> Int {
            for project in upserts { graph.upsert(project) }
            for id in removals { graph.remove(id) }
            let changed = Set(upserts.map(\.id) + removals)
            var previous: [RecordID: [RecordID]] = [:]
            for id in changed { previous[id] = clusterOf[id].flatMap { entries[$0]?.members } ?? [] }
            let components = Merge.affectedClusters(changed: changed, previousMembers: previous, graph: graph)
            var stale: Set<String> = []
            for id in changed.union(components.joined()) {
                if let cluster = clusterOf[id] { stale.insert(cluster) }
            }
            for cluster in stale {
                for member in entries[cluster]?.members ?? [] { clusterOf[member] = nil }
                entries[cluster] = nil
            }
            for component in components { insert(Merge.unify(component.compactMap(graph.record))) }
            return components.count
        }

        private mutating func insert(_ entry: UnifiedEntry) {
            entries[entry.clusterID] = entry
            for member in entry.members { clusterOf[member] = entry.clusterID }
        }
    }

    @Test func twoHundredRandomBatchesMatchAFullRebuild() {
        let federation = FederatedCatalog(perOrigin: 25, reservePerOrigin: 30, seed: 11, slim: true)
        var reserve = federation.reserve
        var catalog = MaintainedCatalog(federation.records)
        var random = SeededRandom(seed: 2026)
        var counter = 0
        var recomputed = 0
        var multiMemberSeen = 0
        for batch in 0..<200 {
            var upserts: [RecordID: Project] = [:]
            var removals: Set<RecordID> = []
            /// The record's state as the batch has left it so far.
            func current(_ id: RecordID) -> Project? {
                removals.contains(id) ? nil : upserts[id] ?? catalog.graph.record(id)
            }
            func store(_ project: Project) {
                var project = project
                project.version += 1
                removals.remove(project.id)
                upserts[project.id] = project
            }
            let ids = catalog.graph.ids.sorted()
            for _ in 0..<(1 + random.below(5)) {
                counter += 1
                guard let id = ids.isEmpty ? nil : random.pick(ids), var project = current(id) else { continue }
                let others = ids.filter { $0.origin != id.origin }
                switch random.below(9) {
                case 0 where !reserve.isEmpty:  // add a new record
                    store(reserve.removeFirst())
                case 1:  // add another origin's listing of an existing project: it joins the key group
                    let origin = random.pick(FederatedCatalog.origins.filter { $0 != project.origin })
                    store(Fixture.copy(project, to: origin, local: "new-\(counter)", &random))
                case 2 where !others.isEmpty:  // retitle to another origin's project: join its group
                    guard let target = current(random.pick(others)) else { continue }
                    project.title = Fixture.traditional(target.title)
                    project.organization.name = target.organization.name
                    store(project)
                case 3:  // retitle to something new: leave the group
                    project.title = "新项目\(counter)"
                    store(project)
                case 4:  // a change that keeps the key
                    project.stage = random.pick(Stage.allCases)
                    project.summary += "。"
                    project.keywords.append("关键词\(random.below(5))")
                    store(project)
                case 5:  // remove
                    upserts[id] = nil
                    removals.insert(id)
                case 6 where !others.isEmpty && project.sameAs.count < 20:  // link to an existing record
                    let target = random.pick(others)
                    if !project.sameAs.contains(target) { project.sameAs.append(target) }
                    store(project)
                case 7 where project.sameAs.count < 20:  // link to a record that does not exist (yet)
                    let origin = random.pick(FederatedCatalog.origins.filter { $0 != project.origin })
                    project.sameAs.append(RecordID(origin: origin, local: "new-\(counter + 1)")!)
                    store(project)
                case 8 where !project.sameAs.isEmpty:  // drop a link
                    project.sameAs.remove(at: random.below(project.sameAs.count))
                    store(project)
                default:
                    continue
                }
            }
            recomputed += catalog.apply(upserts: Array(upserts.values), removals: Array(removals))
            let full = Merge.rebuild(Array(catalog.graph.projects.values))
            let maintained = Fixture.lines(catalog.entries.values)
            let expected = Merge.canonicalLines(full)
            guard maintained == expected else {
                Issue.record("batch \(batch): the maintained catalog differs from a full rebuild")
                return
            }
            #expect(Set(catalog.clusterOf.keys) == Set(catalog.graph.ids))
            multiMemberSeen = max(multiMemberSeen, full.filter { $0.members.count > 1 }.count)
        }
        // The batches touched a small part of the catalog each time, and clusters formed.
        #expect(recomputed < 200 * catalog.entries.count / 4)
        #expect(multiMemberSeen >= 10)
    }
}
