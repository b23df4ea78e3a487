public import Catalog

/// A roadshow as it is shown: each slot with its project looked up in the unified catalog now
/// (title, kind, industry, regions, organisation, service agent), or nil when this node does not
/// hold the project (a synced roadshow may name it before its record arrives, or after its
/// redaction). Every output (JSON, CSV, HTML) is made from this view, so a redaction reaches them all.
public struct RoadshowView: Sendable {
    public struct Entry: Sendable {
        public let slot: Roadshow.Slot
        /// The project's cluster as the public sees it; nil when unknown here.
        public let project: ClusterProject?

        public init(slot: Roadshow.Slot, project: ClusterProject?) { (self.slot, self.project) = (slot, project) }
    }

    public let roadshow: Roadshow
    /// Parallel to `roadshow.sessions`: the entries of each session's slots, in order.
    public let sessions: [[Entry]]

    public init(roadshow: Roadshow, sessions: [[Entry]]) { (self.roadshow, self.sessions) = (roadshow, sessions) }

    /// The projects named but not held here, in agenda order.
    public var unknown: [RecordID] { sessions.flatMap { $0.filter { $0.project == nil }.map(\.slot.project) } }
}
