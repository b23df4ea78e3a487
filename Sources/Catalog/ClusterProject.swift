/// One project of the unified catalog as matching sees it: the cluster's merged record (the
/// steward's, protocols/merge.md), the cluster id and the regions of its current members.
///
/// Members of one cluster are one project: matching pairs clusters, never records of one cluster.
public struct ClusterProject: Sendable, Hashable {
    /// The unified entry's `record` (the steward's fields, merged stage, keywords, validity).
    public let project: Project
    /// The cluster id (its smallest member id).
    public let cluster: String
    /// The distinct `organization.region` codes of the cluster's current members, sorted.
    public let regions: [String]

    public init(project: Project, cluster: String, regions: [String]) {
        self.project = project
        self.cluster = cluster
        self.regions = Array(Set(regions)).sorted()
    }

    /// The steward's id, the id a match result shows.
    public var id: RecordID { project.id }

    /// True when the two clusters' region sets do not intersect (protocols/README.md).
    public func isCrossRegion(with other: ClusterProject) -> Bool {
        Set(regions).isDisjoint(with: other.regions)
    }
}
