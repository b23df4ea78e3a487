public import Catalog
import JSON
import SQLite

extension CatalogReader {
    /// Every current roadshow of every origin (typed objects of type `roadshow`), in id order.
    public func roadshows() throws -> [Roadshow] { try typedObjects(type: "roadshow", Roadshow.init) }

    /// The current roadshow `id`, nil when there is none (never published, or redacted).
    public func roadshow(_ id: TypedObjectID) throws -> Roadshow? { try typedObject(id, Roadshow.init) }

    /// Every cluster of the unified catalog whose record is of `kinds`, with its members'
    /// regions, in cluster order: one pass over `unified` (the planner's candidates).
    public func clusterProjects(kinds: Set<ProjectKind>) throws -> [ClusterProject] {
        var regions: [String: [String]] = [:]
        try connection.prepare(
            "SELECT c.cluster_id, r.region FROM cluster_members AS c JOIN records AS r ON r.id = c.record_id"
        ).forEach { row in
            regions[row.text(0) ?? "", default: []].append(row.text(1) ?? "")
        }
        var result: [ClusterProject] = []
        try connection.prepare("SELECT cluster_id, entry FROM unified ORDER BY cluster_id").forEach { row in
            let cluster = row.text(0) ?? ""
            let value = try JSONParser.parse(row.blob(1) ?? [])
            guard let record = value["record"], let kind = record["kind"]?.stringValue.flatMap(ProjectKind.init(rawValue:)), kinds.contains(kind) else {
                return
            }
            let project: Project
            do {
                project = try ProjectDecoder(mode: .stored).decode(record)
            } catch {
                throw StoreError.corrupt("unified entry \(cluster): the record does not decode: \(error)")
            }
            result.append(ClusterProject(project: project, cluster: cluster, regions: regions[cluster] ?? [project.organization.region.code]))
        }
        return result
    }
}
